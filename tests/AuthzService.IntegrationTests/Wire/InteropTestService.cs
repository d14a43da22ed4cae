using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// <c>grpc.testing.TestService</c> as doc/interop-test-descriptions.md describes the server side (EmptyCall,
/// UnaryCall with compressed request/response, echo status, echo metadata), mapped into the real host so
/// independent clients go through its whole serving path. UnimplementedCall keeps the generated default
/// (UNIMPLEMENTED). <see cref="SleepHeader"/> adapts timeout_on_sleeping_server to unary.
/// </summary>
public sealed class InteropTestService : TestService.TestServiceBase
{
    public const string SleepHeader = "x-test-sleep-ms";
    private const string EchoInitial = "x-grpc-test-echo-initial";
    private const string EchoTrailing = "x-grpc-test-echo-trailing-bin";

    // Grpc.AspNetCore's per-call switch: compress this call's response with gzip (if the client accepts it).
    private const string CompressResponseHeader = "grpc-internal-encoding-request";

    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var headers = new Metadata();
        if (context.RequestHeaders.Get(EchoInitial) is { } initial)
        {
            headers.Add(initial);
        }

        // The per-call switch compresses even for a client that did not advertise gzip (gRPC's doc/compression.md
        // forbids that), so it is only used when the client did; the service's own option checks this itself.
        if (request.ResponseCompressed?.Value == true
            && context.GetHttpContext().Request.Headers["grpc-accept-encoding"].ToString().Contains("gzip", StringComparison.Ordinal))
        {
            headers.Add(CompressResponseHeader, "gzip");
        }

        if (headers.Count > 0)
        {
            await context.WriteResponseHeadersAsync(headers);
        }

        if (context.RequestHeaders.Get(EchoTrailing) is { } trailing)
        {
            context.ResponseTrailers.Add(trailing);
        }

        // ServerCallContext does not say whether the message was compressed; the encoding header does.
        var encoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString();
        if (request.ExpectCompressed?.Value == true && encoding is "" or "identity")
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

        return new SimpleResponse
        {
            Payload = new Payload { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[request.ResponseSize]) },
        };
    }
}
