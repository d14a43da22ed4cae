using AuthzService.Grpc.Client;
using AuthzService.Infrastructure.Cerbos;
using Grpc.Health.V1;

namespace AuthzService.Api.Health;

/// <summary>Asks Cerbos's own gRPC health service, over the same mTLS channel decisions use.</summary>
internal sealed class CerbosProbe(CerbosChannelFactory channels) : IDependencyProbe
{
    private const string CheckMethod = "/grpc.health.v1.Health/Check";

    public string Name => "cerbos";

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var response = await channels.GetChannel().CallUnaryAsync(
            CheckMethod,
            new HealthCheckRequest { Service = "cerbos.svc.v1.CerbosService" },
            HealthCheckResponse.Parser,
            new CallOptions(CancellationToken: cancellationToken));
        return response.Status == HealthCheckResponse.Types.ServingStatus.Serving;
    }
}
