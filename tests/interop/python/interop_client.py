#!/usr/bin/env python3
"""Interop client on Python grpcio: runs the unary cases of the gRPC project's
doc/interop-test-descriptions.md against a grpc.testing.TestService.

Messages are encoded by hand (a few protobuf fields), so only `grpc` is needed:
no generated stubs, no grpcio-tools.
Usage: interop_client.py --port=N --test_case=NAME [--server_host=127.0.0.1]
Prints "PASS <case>" or "FAIL <case>: <reason>"; exit code 0 only on PASS.
"""
import sys

import grpc

SERVICE = "/grpc.testing.TestService/"


# --- protobuf wire format, just what grpc.testing.SimpleRequest/SimpleResponse need ---
def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field_varint(number, value):
    return _varint(number << 3) + _varint(value)


def _field_bytes(number, value):
    return _varint((number << 3) | 2) + _varint(len(value)) + value


def simple_request(response_size=0, body_size=None, response_compressed=None, expect_compressed=None, status=None):
    out = b""
    if response_size:
        out += _field_varint(2, response_size)
    if body_size is not None:
        out += _field_bytes(3, _field_bytes(2, bytes(body_size)))
    if response_compressed is not None:
        out += _field_bytes(6, _field_varint(1, int(response_compressed)))
    if status is not None:
        code, message = status
        out += _field_bytes(7, _field_varint(1, code) + _field_bytes(2, message.encode("utf-8")))
    if expect_compressed is not None:
        out += _field_bytes(8, _field_varint(1, int(expect_compressed)))
    return out


def _parse(data):
    fields, i = {}, 0
    while i < len(data):
        key, i = _read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _read_varint(data, i)
        elif wire == 2:
            length, i = _read_varint(data, i)
            value, i = data[i:i + length], i + length
        else:
            raise ValueError("unexpected wire type %d" % wire)
        fields.setdefault(number, []).append(value)
    return fields


def _read_varint(data, i):
    shift = result = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7


def payload_body(response):
    payload = _parse(response).get(1, [b""])[-1]
    return _parse(payload).get(2, [b""])[-1]


# --- cases ---
class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def call(channel, method, request, **kwargs):
    stub = channel.unary_unary(SERVICE + method, request_serializer=None, response_deserializer=None)
    kwargs.setdefault("timeout", 15)
    return stub.with_call(request, **kwargs)


def expect_code(channel, method, request, code, **kwargs):
    try:
        call(channel, method, request, **kwargs)
    except grpc.RpcError as error:
        check(error.code() == code, "expected %s, got %s (%r)" % (code, error.code(), error.details()))
        return error
    raise Failure("expected %s, call succeeded" % code)


def large_unary(channel, **kwargs):
    extra = {k: kwargs.pop(k) for k in ("response_compressed", "expect_compressed") if k in kwargs}
    response, _ = call(channel, "UnaryCall", simple_request(314159, 271828, **extra), **kwargs)
    body = payload_body(response)
    check(len(body) == 314159, "payload is %d bytes" % len(body))
    check(body == bytes(314159), "payload is not all zeros")


def empty_unary(channel):
    response, _ = call(channel, "EmptyCall", b"")
    check(response == b"", "EmptyCall answered %r" % response)


def client_compressed_unary(channel):
    expect_code(channel, "UnaryCall", simple_request(314159, 271828, expect_compressed=True), grpc.StatusCode.INVALID_ARGUMENT)
    large_unary(channel, expect_compressed=True, compression=grpc.Compression.Gzip)
    large_unary(channel, expect_compressed=False)


def server_compressed_unary(channel):
    # grpcio does not expose the compressed flag; the .NET tests assert it on the wire.
    large_unary(channel, response_compressed=True)
    large_unary(channel, response_compressed=False)


def custom_metadata(channel):
    metadata = (("x-grpc-test-echo-initial", "test_initial_metadata_value"),
                ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab"))
    _, rpc = call(channel, "UnaryCall", simple_request(314159, 271828), metadata=metadata)
    initial = dict(rpc.initial_metadata())
    trailing = dict(rpc.trailing_metadata())
    check(initial.get("x-grpc-test-echo-initial") == "test_initial_metadata_value", "initial metadata: %r" % (initial,))
    check(trailing.get("x-grpc-test-echo-trailing-bin") == b"\xab\xab\xab", "trailing metadata: %r" % (trailing,))


def status_code_and_message(channel):
    error = expect_code(channel, "UnaryCall", simple_request(status=(2, "test status message")), grpc.StatusCode.UNKNOWN)
    check(error.details() == "test status message", "message: %r" % error.details())


def special_status_message(channel):
    text = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n"
    error = expect_code(channel, "UnaryCall", simple_request(status=(2, text)), grpc.StatusCode.UNKNOWN)
    check(error.details() == text, "message: %r" % error.details())


def unimplemented_method(channel):
    expect_code(channel, "UnimplementedCall", b"", grpc.StatusCode.UNIMPLEMENTED)


def unimplemented_service(channel):
    stub = channel.unary_unary("/grpc.testing.UnimplementedService/UnimplementedCall")
    try:
        stub(b"", timeout=15)
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.UNIMPLEMENTED, "got %s" % error.code())
        return
    raise Failure("call succeeded")


def timeout_on_sleeping_server(channel):
    # Adapted to unary: the server sleeps (honouring its deadline) when asked by metadata.
    expect_code(channel, "UnaryCall", simple_request(body_size=27182), grpc.StatusCode.DEADLINE_EXCEEDED,
                metadata=(("x-test-sleep-ms", "10000"),), timeout=0.1)


def rpc_soak(channel):
    for _ in range(50):
        large_unary(channel)


CASES = {f.__name__: f for f in (
    empty_unary, client_compressed_unary, server_compressed_unary, custom_metadata, status_code_and_message,
    special_status_message, unimplemented_method, unimplemented_service, timeout_on_sleeping_server, rpc_soak)}
CASES["large_unary"] = large_unary


def main(argv):
    args = dict(a.lstrip("-").split("=", 1) for a in argv[1:])
    case = args.get("test_case", "")
    if case not in CASES:
        print("FAIL %s: unknown test case" % case)
        return 2
    target = "%s:%s" % (args.get("server_host", "127.0.0.1"), args["port"])
    with grpc.insecure_channel(target) as channel:
        try:
            CASES[case](channel)
        except (Failure, grpc.RpcError) as error:
            print("FAIL %s: %s" % (case, error))
            return 1
    print("PASS %s" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
