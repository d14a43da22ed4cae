using AuthzService.Grpc.Client;
using Cerbos.Api.V1.Request;
using Cerbos.Api.V1.Response;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Calls <c>cerbos.svc.v1.CerbosService</c> over the shared channel.</summary>
internal sealed class GrpcCerbosCaller : ICerbosCaller
{
    public const string CheckResourcesMethod = "/cerbos.svc.v1.CerbosService/CheckResources";
    public const string PlanResourcesMethod = "/cerbos.svc.v1.CerbosService/PlanResources";

    private readonly CerbosChannelFactory _channels;

    public GrpcCerbosCaller(CerbosChannelFactory channels)
    {
        _channels = channels;
    }

    public Task<CheckResourcesResponse> CheckResourcesAsync(CheckResourcesRequest request, CallOptions options) =>
        _channels.GetChannel().CallUnaryAsync(CheckResourcesMethod, request, CheckResourcesResponse.Parser, options);

    public Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, CallOptions options) =>
        _channels.GetChannel().CallUnaryAsync(PlanResourcesMethod, request, PlanResourcesResponse.Parser, options);
}
