using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Serving;

/// <summary>
/// Grpc.AspNetCore's options from ours (<c>Grpc:Server</c>): size limits, gzip (corrupt data INTERNAL),
/// detailed errors off (exception text never reaches a caller), and the interceptors every call runs through.
/// </summary>
internal sealed class GrpcServiceOptionsSetup(IOptions<GrpcServerOptions> options) : IConfigureOptions<GrpcServiceOptions>
{
    public void Configure(GrpcServiceOptions grpc)
    {
        ArgumentNullException.ThrowIfNull(grpc);
        var ours = options.Value;
        grpc.MaxReceiveMessageSize = ours.MaxReceiveMessageSize;
        grpc.MaxSendMessageSize = ours.MaxSendMessageSize;
        grpc.ResponseCompressionAlgorithm = ours.ResponseCompressionAlgorithm;
        grpc.CompressionProviders = [new StrictGzipCompressionProvider()];
        grpc.EnableDetailedErrors = false;

        // In the order of ServingPipeline, the first outermost; AuthZEN runs the same list (InProcessPipeline).
        foreach (var interceptor in ServingPipeline.CallerStage.Concat(ServingPipeline.RequestStage))
        {
            grpc.Interceptors.Add(interceptor);
        }
    }
}
