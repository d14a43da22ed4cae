'use strict';
// grpc.testing.TestService on @grpc/grpc-js: the independent server our .NET gRPC client is tested against
// (gRPC doc/interop-test-descriptions.md, unary cases). Started by Wire/NodeServerInteropTests with
// NODE_PATH pointing at the pinned tools (.tools/node_modules).
//
// Usage: node test_server.js --protos DIR [--tls-cert FILE --tls-key FILE]
// Prints one line once every port is bound:  LISTENING h2c=PORT [tls=PORT]
// Test-only extras: request metadata "x-test-sleep-ms" delays the answer (timeout_on_sleeping_server).

const fs = require('fs');
const zlib = require('zlib');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';

const definition = protoLoader.loadSync('grpc/testing/test.proto', {
  includeDirs: [arg('--protos')],
  keepCase: true,
  defaults: true,
  enums: String,
});
const testing = grpc.loadPackageDefinition(definition).grpc.testing;

function responseHeaders(call, compress) {
  const md = new grpc.Metadata();
  const initial = call.metadata.get(ECHO_INITIAL_KEY);
  if (initial.length > 0) {
    md.set(ECHO_INITIAL_KEY, initial[0]);
  }
  if (compress) {
    md.set('grpc-encoding', 'gzip');
  }
  return md;
}

function trailers(call) {
  const md = new grpc.Metadata();
  const trailing = call.metadata.get(ECHO_TRAILING_KEY);
  if (trailing.length > 0) {
    md.set(ECHO_TRAILING_KEY, trailing[0]);
  }
  return md;
}

// grpc-js 1.14 servers never compress responses. For CompressedResponse we replace the frame
// serializer of this one call (an internal of the pinned grpc-js version) with a gzip one.
function compressResponse(call) {
  const base = call.call;
  if (!base || typeof base.serializeMessage !== 'function' || !base.handler) {
    throw new Error('grpc-js internals changed: cannot compress the response');
  }
  base.serializeMessage = (value) => {
    const compressed = zlib.gzipSync(base.handler.serialize(value));
    const framed = Buffer.allocUnsafe(compressed.length + 5);
    framed.writeUInt8(1, 0);
    framed.writeUInt32BE(compressed.length, 1);
    compressed.copy(framed, 5);
    return framed;
  };
}

// The request's grpc-encoding (grpc-js strips it from the metadata handlers see).
function requestEncoding(call) {
  return (call.call && call.call.incomingEncoding) || 'identity';
}

function afterSleep(call, fn) {
  const sleep = call.metadata.get('x-test-sleep-ms');
  if (sleep.length > 0) {
    setTimeout(fn, Number(sleep[0]));
  } else {
    fn();
  }
}

function emptyCall(call, callback) {
  afterSleep(call, () => {
    call.sendMetadata(responseHeaders(call, false));
    callback(null, {}, trailers(call));
  });
}

function unaryCall(call, callback) {
  afterSleep(call, () => {
    const req = call.request;
    if (req.expect_compressed && req.expect_compressed.value && requestEncoding(call) === 'identity') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Expected a compressed request' });
      return;
    }
    const compress = !!(req.response_compressed && req.response_compressed.value);
    if (req.response_status && req.response_status.code) {
      call.sendMetadata(responseHeaders(call, false));
      callback({ code: req.response_status.code, details: req.response_status.message, metadata: trailers(call) });
      return;
    }
    if (compress) {
      compressResponse(call);
    }
    call.sendMetadata(responseHeaders(call, compress));
    callback(null, { payload: { type: req.response_type, body: Buffer.alloc(req.response_size) } }, trailers(call));
  });
}

function bind(server, creds) {
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', creds, (err, port) => (err ? reject(err) : resolve(port)));
  });
}

async function main() {
  const server = new grpc.Server();
  server.addService(testing.TestService.service, { EmptyCall: emptyCall, UnaryCall: unaryCall });
  const h2c = await bind(server, grpc.ServerCredentials.createInsecure());
  let line = `LISTENING h2c=${h2c}`;
  const cert = arg('--tls-cert');
  if (cert) {
    const creds = grpc.ServerCredentials.createSsl(null, [
      { cert_chain: fs.readFileSync(cert), private_key: fs.readFileSync(arg('--tls-key')) },
    ]);
    line += ` tls=${await bind(server, creds)}`;
  }
  console.log(line);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// Stop when the test process closes our stdin, so a crashed test run leaves no server behind.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
