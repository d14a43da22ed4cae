using AuthzService.Infrastructure.Cerbos.Internal;
using Cerbos.Api.V1.Request;
using Cerbos.Api.V1.Response;
using Grpc.Core;

namespace AuthzService.Testing;

/// <summary>Answers with canned responses (or throws) and records what it was sent.</summary>
public sealed class FakeCerbosCaller : ICerbosCaller
{
    public Func<CheckResourcesRequest, CheckResourcesResponse> Check { get; set; } = _ => new CheckResourcesResponse();

    public Func<PlanResourcesRequest, PlanResourcesResponse> Plan { get; set; } = _ => new PlanResourcesResponse();

    public List<CallOptions> Options { get; } = [];

    public CheckResourcesRequest? LastCheck { get; private set; }

    public PlanResourcesRequest? LastPlan { get; private set; }

    public Task<CheckResourcesResponse> CheckResourcesAsync(CheckResourcesRequest request, CallOptions options)
    {
        Options.Add(options);
        LastCheck = request;
        return Task.FromResult(Check(request));
    }

    public Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, CallOptions options)
    {
        Options.Add(options);
        LastPlan = request;
        return Task.FromResult(Plan(request));
    }
}
