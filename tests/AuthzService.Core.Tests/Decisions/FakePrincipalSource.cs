using AuthzService.Core.Decisions;
using AuthzService.Core.Memberships;
using AuthzService.Core.Principals;

namespace AuthzService.Core.Tests.Decisions;

/// <summary>Builds principals from an in-memory snapshot through the real PrincipalBuilder.</summary>
internal sealed class FakePrincipalSource(PrincipalSnapshot snapshot) : IPrincipalSource
{
    public int Calls { get; private set; }

    public ValueTask<PrincipalBuildResult> GetAsync(RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken)
    {
        Calls++;
        return ValueTask.FromResult(PrincipalBuilder.Build(request, snapshot));
    }

    public static PrincipalSnapshot Snapshot(TenantStatus status = TenantStatus.Active, params string[] roles) => new(
        new TenantInfo("acme", "Acme", "acme", status, "pro"),
        new Membership("acme", "alice", Membership.TenantWide, roles, new Dictionary<string, object?>()),
        null, 3, 7, 1);
}
