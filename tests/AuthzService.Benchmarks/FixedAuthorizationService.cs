using AuthzService.Contracts.V1;
using Grpc.Core;

namespace AuthzService.Benchmarks;

/// <summary>
/// The framework's own ceiling: a Grpc.AspNetCore method with nothing around it, answering every
/// CheckResources with the same response a cached bench check gets (one document, read ALLOW).
/// </summary>
internal sealed class FixedAuthorizationService : AuthorizationService.AuthorizationServiceBase
{
    private static readonly CheckResourcesResponse s_response = Response();

    public override Task<CheckResourcesResponse> CheckResources(CheckResourcesRequest request, ServerCallContext context) =>
        Task.FromResult(s_response);

    private static CheckResourcesResponse Response()
    {
        var result = new ResourceResult { Resource = new ResourceRef { Kind = "document", Id = "doc-1" } };
        result.Actions["read"] = Effect.Allow;
        return new CheckResourcesResponse { RequestId = "bench", Results = { result } };
    }
}
