using Cerbos.Api.V1.Request;
using Cerbos.Api.V1.Response;
using Cerbos.Api.V1.Svc;
using Grpc.Core;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Calls <c>cerbos.svc.v1.CerbosService</c> through the generated client on the shared channel.</summary>
internal sealed class GrpcCerbosCaller(CerbosChannelFactory channels) : ICerbosCaller
{
    // For spans, metrics and logs; the calls themselves go through the generated client's method descriptors.
    public const string CheckResourcesMethod = "/cerbos.svc.v1.CerbosService/CheckResources";
    public const string PlanResourcesMethod = "/cerbos.svc.v1.CerbosService/PlanResources";

    // Created on the first call, like the channel: start-up never connects or reads certificate files.
    private readonly Lazy<CerbosService.CerbosServiceClient> _client = new(channels.CreateClient);

    public Task<CheckResourcesResponse> CheckResourcesAsync(CheckResourcesRequest request, CallOptions options) =>
        _client.Value.CheckResourcesAsync(request, options).ResponseAsync;

    public Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, CallOptions options) =>
        _client.Value.PlanResourcesAsync(request, options).ResponseAsync;
}
