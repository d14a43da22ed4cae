#!/usr/bin/env node
// A first check against a running AuthzService, with an independent gRPC client (@grpc/grpc-js).
// Usage: node scripts/authz-check.js --tenant acme --principal alice [--team red] --kind document \
//          --id doc-1 --attr tenant_id=acme --attr owner_id=bob --actions read,delete [--meta] [--target 127.0.0.1:50051]
// Prints one line per action and exits 0 when every action is allowed, 1 when any is denied, 2 on error.
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const modules = process.env.AUTHZ_TOOLS_DIR ? path.join(process.env.AUTHZ_TOOLS_DIR, 'node_modules') : path.join(root, '.tools', 'node_modules');
const grpc = require(path.join(modules, '@grpc/grpc-js'));
const loader = require(path.join(modules, '@grpc/proto-loader'));

const args = { attr: [], target: '127.0.0.1:50051', meta: false };
for (let i = 2; i < process.argv.length; i++) {
  const key = process.argv[i].replace(/^--/, '');
  if (key === 'meta') { args.meta = true; continue; }
  const value = process.argv[++i];
  if (key === 'attr') args.attr.push(value); else args[key] = value;
}
for (const required of ['tenant', 'principal', 'kind', 'id', 'actions']) {
  if (!args[required]) { console.error(`missing --${required}`); process.exit(2); }
}

const definition = loader.loadSync(path.join(root, 'proto/authz/v1/authorization.proto'), {
  includeDirs: [path.join(root, 'proto')], keepCase: true, enums: String, longs: String, defaults: true,
});
const authz = grpc.loadPackageDefinition(definition).authz.v1;
const client = new authz.AuthorizationService(args.target, grpc.credentials.createInsecure());

const attr = {};
for (const pair of args.attr) {
  const at = pair.indexOf('=');
  attr[pair.slice(0, at)] = { stringValue: pair.slice(at + 1) }; // well-known types keep camelCase in proto-loader
}
const request = {
  request_id: `authz-check-${process.pid}`,
  tenant_id: args.tenant,
  team_id: args.team || '',
  principal_id: args.principal,
  resources: [{ resource: { kind: args.kind, id: args.id, attr }, actions: args.actions.split(',') }],
  include_meta: args.meta,
};
client.CheckResources(request, { deadline: Date.now() + 5000 }, (err, response) => {
  if (err) {
    console.error(`error: ${grpc.status[err.code]}: ${err.details}`);
    process.exit(2);
  }
  const result = response.results[0];
  let allAllowed = true;
  for (const action of request.resources[0].actions) {
    const effect = result.actions[action] || 'EFFECT_UNSPECIFIED';
    if (effect !== 'EFFECT_ALLOW') allAllowed = false;
    console.log(`${args.kind}/${args.id} ${action}: ${effect === 'EFFECT_ALLOW' ? 'ALLOW' : 'DENY'}`);
  }
  if (result.deny_reason && result.deny_reason !== 'DENY_REASON_UNSPECIFIED') console.log(`reason: ${result.deny_reason}`);
  if (args.meta) console.log(JSON.stringify(response.meta, null, 2));
  process.exit(allAllowed ? 0 : 1);
});
