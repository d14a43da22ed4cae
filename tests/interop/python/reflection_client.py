#!/usr/bin/env python3
"""Server reflection client on Python grpcio, as grpcurl does it: lists the services a server
exposes and reads the file descriptor that declares one of them.

Independent of the server's stack: grpcio (gRPC C-core) speaks grpc.reflection.v1 (or v1alpha);
the reflection messages are encoded by hand (a few protobuf fields), file descriptors are parsed
with google.protobuf's descriptor_pb2. No grpcio-reflection package is needed.
Usage: reflection_client.py --port=N [--api=v1|v1alpha] [--symbol=pkg.Service]
                            [--ca=PEM --cert=PEM --key=PEM]   (mTLS, host name localhost)
Prints "SERVICE <name>" per listed service and "METHOD <service>/<method>" per method of --symbol;
on a failed call "ERROR <StatusCode> <details>" and exit code 1.
"""
import sys

import grpc
from google.protobuf import descriptor_pb2


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


def _field_bytes(number, value):
    return _varint((number << 3) | 2) + _varint(len(value)) + value


def _read_varint(data, i):
    shift = result = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7


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


# ServerReflectionRequest: file_containing_symbol = 4, list_services = 7.
# ServerReflectionResponse: file_descriptor_response = 4 (repeated bytes file_descriptor_proto = 1),
# list_services_response = 6 (repeated ServiceResponse service = 1, name = 1), error_response = 7.
def ask(channel, api, requests):
    call = channel.stream_stream("/grpc.reflection.%s.ServerReflection/ServerReflectionInfo" % api)
    return [_parse(r) for r in call(iter(requests), timeout=15)]


def main(argv):
    args = dict(a.lstrip("-").split("=", 1) for a in argv[1:])
    api = args.get("api", "v1")
    if "ca" in args:
        read = lambda name: open(args[name], "rb").read()
        credentials = grpc.ssl_channel_credentials(read("ca"), read("key"), read("cert"))
        channel = grpc.secure_channel("localhost:%s" % args["port"], credentials)
    else:
        channel = grpc.insecure_channel("127.0.0.1:%s" % args["port"])
    requests = [_field_bytes(7, b"")]
    if "symbol" in args:
        requests.append(_field_bytes(4, args["symbol"].encode()))
    with channel:
        try:
            responses = ask(channel, api, requests)
        except grpc.RpcError as error:
            print("ERROR %s %s" % (error.code().name, error.details()))
            return 1
    for response in responses:
        if 7 in response:
            print("ERROR reflection %r" % (_parse(response[7][0]),))
            return 1
        for listed in response.get(6, []):
            for service in _parse(listed).get(1, []):
                print("SERVICE %s" % _parse(service)[1][0].decode())
        for files in response.get(4, []):
            for raw in _parse(files).get(1, []):
                file = descriptor_pb2.FileDescriptorProto.FromString(raw)
                for service in file.service:
                    full = "%s.%s" % (file.package, service.name)
                    if full == args.get("symbol"):
                        for method in service.method:
                            print("METHOD %s/%s" % (full, method.name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
