using AuthzService.Infrastructure.Cerbos;
using Grpc.Health.V1;

namespace AuthzService.Api.Health;

/// <summary>Asks Cerbos's own gRPC health service, over the same mTLS channel decisions use.</summary>
internal sealed class CerbosProbe(CerbosChannelFactory channels) : IDependencyProbe
{
    private const string CerbosServiceName = "cerbos.svc.v1.CerbosService";

    public string Name => "cerbos";

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var response = await new global::Grpc.Health.V1.Health.HealthClient(channels.GetChannel()).CheckAsync(
            new HealthCheckRequest { Service = CerbosServiceName }, cancellationToken: cancellationToken);
        return response.Status == HealthCheckResponse.Types.ServingStatus.Serving;
    }
}
