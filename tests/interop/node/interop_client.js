#!/usr/bin/env node
// Interop client on @grpc/grpc-js: runs the unary cases of the gRPC project's
// doc/interop-test-descriptions.md against a grpc.testing.TestService.
// Usage: node interop_client.js --port=N --test_case=NAME --protos=DIR [--server_host=127.0.0.1]
// Prints "PASS <case>" or "FAIL <case>: <reason>"; exit code 0 only on PASS.
'use strict';

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [k, ...v] = a.replace(/^--/, '').split('=');
  return [k, v.join('=')];
}));
const address = `${args.server_host || '127.0.0.1'}:${args.port}`;
const testCase = args.test_case;

const definition = protoLoader.loadSync('grpc/testing/test.proto', {
  includeDirs: [args.protos], keepCase: true, longs: Number, enums: String, defaults: true,
});
const testing = grpc.loadPackageDefinition(definition).grpc.testing;
const GZIP = 2; // grpc.compression_algorithms.gzip

function client(options = {}) {
  return new testing.TestService(address, grpc.credentials.createInsecure(), options);
}

function deadline(ms) {
  return new Date(Date.now() + ms);
}

function unary(stub, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise((resolve) => {
    let initial = null;
    const call = stub[method](request, metadata, { deadline: deadline(15000), ...options }, (error, response) => {
      call.on('status', (status) => resolve({ error, response, initial, trailers: status.metadata }));
    });
    call.on('metadata', (m) => { initial = m; });
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function expectOk(result) {
  check(!result.error, `call failed: ${result.error && `${result.error.code} ${result.error.details}`}`);
  check(result.response, 'response is null');
}

function expectCode(result, code) {
  check(result.error, `expected status ${code}, call succeeded`);
  check(result.error.code === code, `expected status ${code}, got ${result.error.code} (${result.error.details})`);
}

const largeRequest = (extra = {}) => ({ response_size: 314159, payload: { body: Buffer.alloc(271828) }, ...extra });

async function largeUnary(stub, extra) {
  const result = await unary(stub, 'UnaryCall', largeRequest(extra));
  expectOk(result);
  check(result.response.payload.body.length === 314159, `payload is ${result.response.payload.body.length} bytes`);
  check(result.response.payload.body.every((b) => b === 0), 'payload is not all zeros');
}

const cases = {
  async empty_unary() {
    expectOk(await unary(client(), 'EmptyCall', {}));
  },
  async large_unary() {
    await largeUnary(client());
  },
  async client_compressed_unary() {
    const probe = await unary(client(), 'UnaryCall', largeRequest({ expect_compressed: { value: true } }));
    expectCode(probe, grpc.status.INVALID_ARGUMENT);
    await largeUnary(client({ 'grpc.default_compression_algorithm': GZIP }), { expect_compressed: { value: true } });
    await largeUnary(client(), { expect_compressed: { value: false } });
  },
  async server_compressed_unary() {
    // grpc-js does not expose the compressed flag; the .NET tests assert it on the wire.
    await largeUnary(client(), { response_compressed: { value: true } });
    await largeUnary(client(), { response_compressed: { value: false } });
  },
  async custom_metadata() {
    const md = new grpc.Metadata();
    md.add('x-grpc-test-echo-initial', 'test_initial_metadata_value');
    md.add('x-grpc-test-echo-trailing-bin', Buffer.from([0xab, 0xab, 0xab]));
    const result = await unary(client(), 'UnaryCall', largeRequest(), md);
    expectOk(result);
    const initial = result.initial && result.initial.get('x-grpc-test-echo-initial');
    check(initial && initial[0] === 'test_initial_metadata_value', `initial metadata: ${JSON.stringify(initial)}`);
    const trailing = result.trailers.get('x-grpc-test-echo-trailing-bin');
    check(trailing.length === 1 && Buffer.from(trailing[0]).equals(Buffer.from([0xab, 0xab, 0xab])),
      `trailing metadata: ${JSON.stringify(trailing)}`);
  },
  async status_code_and_message() {
    const result = await unary(client(), 'UnaryCall', { response_status: { code: 2, message: 'test status message' } });
    expectCode(result, 2);
    check(result.error.details === 'test status message', `message: ${JSON.stringify(result.error.details)}`);
  },
  async special_status_message() {
    const text = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n';
    const result = await unary(client(), 'UnaryCall', { response_status: { code: 2, message: text } });
    expectCode(result, 2);
    check(result.error.details === text, `message: ${JSON.stringify(result.error.details)}`);
  },
  async unimplemented_method() {
    expectCode(await unary(client(), 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED);
  },
  async unimplemented_service() {
    const stub = new testing.UnimplementedService(address, grpc.credentials.createInsecure());
    expectCode(await unary(stub, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED);
  },
  async timeout_on_sleeping_server() {
    // Adapted to unary: the server sleeps (honouring its deadline) when asked by metadata.
    const md = new grpc.Metadata();
    md.add('x-test-sleep-ms', '10000');
    const result = await unary(client(), 'UnaryCall', { payload: { body: Buffer.alloc(27182) } }, md, { deadline: deadline(100) });
    expectCode(result, grpc.status.DEADLINE_EXCEEDED);
  },
  async rpc_soak() {
    const stub = client();
    for (let i = 0; i < 50; i += 1) {
      await largeUnary(stub);
    }
  },
};

(async () => {
  const run = cases[testCase];
  if (!run) {
    console.log(`FAIL ${testCase}: unknown test case`);
    process.exit(2);
  }
  try {
    await run();
    console.log(`PASS ${testCase}`);
    process.exit(0);
  } catch (error) {
    console.log(`FAIL ${testCase}: ${error.message}`);
    process.exit(1);
  }
})();
