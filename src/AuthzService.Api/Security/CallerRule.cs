namespace AuthzService.Api.Security;

/// <summary>One allow-list entry (<c>Auth:Callers:N</c>).</summary>
public sealed class CallerRule
{
    /// <summary>A URI SAN (e.g. <c>spiffe://cluster.local/ns/app/sa/web</c>) or DNS SAN of the caller's certificate.</summary>
    public string? Identity { get; set; }

    /// <summary>Whole services the caller may call, e.g. <c>authz.v1.AuthorizationService</c>.</summary>
    public IList<string> Services { get; } = [];

    /// <summary>Single methods the caller may call, e.g. <c>authz.v1.MembershipService/GetTenant</c>.</summary>
    public IList<string> Methods { get; } = [];
}
