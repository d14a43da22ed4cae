using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Health.V1;

namespace AuthzService.Benchmarks;

/// <summary>
/// The yardstick: health Check answered by a bare Kestrel handler that does the gRPC framing by
/// hand with no layer around it. The ratio of Grpc.AspNetCore's health service to this is the framework's cost.
/// </summary>
internal static class BareGrpcHandler
{
    private static readonly byte[] s_response = Frame(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving });

    public static async Task HandleAsync(HttpContext context)
    {
        var body = context.Request.Body;
        var header = new byte[5];
        await body.ReadExactlyAsync(header);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        var payload = new byte[length];
        await body.ReadExactlyAsync(payload);
        _ = HealthCheckRequest.Parser.ParseFrom(payload);

        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.Body.WriteAsync(s_response);
    }

    private static byte[] Frame(IMessage message)
    {
        var bytes = message.ToByteArray();
        var framed = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(framed, 5);
        return framed;
    }
}
