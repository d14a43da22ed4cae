using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing.Matching;

namespace AuthzService.Api.Serving;

/// <summary>
/// gRPC paths are case-sensitive (the gRPC project's doc/PROTOCOL-HTTP2.md: "Path is case-sensitive"); ASP.NET Core
/// routing is not, so without this <c>/authz.v1.authorizationservice/checkresources</c> would reach CheckResources. A
/// gRPC method endpoint stays a candidate only when the path is exactly its full name; otherwise Grpc.AspNetCore's
/// own catch-all endpoints answer UNIMPLEMENTED, as for any unknown method.
/// </summary>
internal sealed class ExactGrpcPathPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the framework's own policies (HTTP method etc.), which only narrow the set further.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var path = httpContext.Request.Path.Value;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && candidates[i].Endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { } grpc
                && !string.Equals(grpc.Method.FullName, path, StringComparison.Ordinal))
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
