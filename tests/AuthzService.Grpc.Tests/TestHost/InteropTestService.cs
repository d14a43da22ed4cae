using AuthzService.Grpc.Server;
using Google.Protobuf;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>
/// <c>grpc.testing.TestService</c> as doc/interop-test-descriptions.md describes the server features
/// (EmptyCall, UnaryCall with CompressedRequest/Response, Echo Status, Echo Metadata). UnimplementedCall
/// is left unbound on purpose. <see cref="SleepHeader"/> adapts timeout_on_sleeping_server to unary.
/// </summary>
public sealed class InteropTestService : IGrpcService<InteropTestService>
{
    public const string ServiceName = "grpc.testing.TestService";
    public const string SleepHeader = "x-test-sleep-ms";
    private const string EchoInitial = "x-grpc-test-echo-initial";
    private const string EchoTrailing = "x-grpc-test-echo-trailing-bin";

    private readonly InvocationLog _log;

    public InteropTestService(InvocationLog log)
    {
        _log = log;
    }

    public static void BindService(GrpcServiceBinder<InteropTestService> binder)
    {
        binder
            .AddUnaryMethod<Empty, Empty>(ServiceName, "EmptyCall", Empty.Parser, static (s, r, c) => s.EmptyCall(c))
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "UnaryCall", SimpleRequest.Parser, static (s, r, c) => s.UnaryCall(r, c));
    }

    private Task<Empty> EmptyCall(ServerCallContext context)
    {
        _log.Record(context.Method);
        return Task.FromResult(new Empty());
    }

    private async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        _log.Record(context.Method);
        EchoMetadata(context);
        if (request.ExpectCompressed?.Value == true && !context.RequestCompressed)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected a compressed request message."));
        }

        if (request.ResponseStatus is { Code: not 0 } echo)
        {
            throw new RpcException(new Status((StatusCode)echo.Code, echo.Message));
        }

        if (context.RequestHeaders.GetValue(SleepHeader) is { } sleep)
        {
            await Task.Delay(int.Parse(sleep, System.Globalization.CultureInfo.InvariantCulture), context.CancellationToken);
        }

        if (request.ResponseCompressed is { } compressed)
        {
            context.CompressResponse = compressed.Value;
        }

        return new SimpleResponse
        {
            Payload = new Payload { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[request.ResponseSize]) },
        };
    }

    private static void EchoMetadata(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue(EchoInitial) is { } initial)
        {
            context.ResponseHeaders.Add(EchoInitial, initial);
        }

        if (context.RequestHeaders.GetValueBytes(EchoTrailing) is { } trailing)
        {
            context.ResponseTrailers.Add(EchoTrailing, trailing);
        }
    }
}
