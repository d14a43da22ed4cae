using Cerbos.Api.V1.Request;
using Cerbos.Api.V1.Response;
using Grpc.Core;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>The two Cerbos RPCs; a seam so the adapter's mapping and failure handling can be tested without a network.</summary>
internal interface ICerbosCaller
{
    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    Task<CheckResourcesResponse> CheckResourcesAsync(CheckResourcesRequest request, CallOptions options);

    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, CallOptions options);
}
