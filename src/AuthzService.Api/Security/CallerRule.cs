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

    /// <summary>
    /// When not empty, the only tenants the caller may name in any request (exact ids, or prefixes ending in
    /// <c>*</c>); requests that span every tenant (<c>ListTenants</c>, <c>Invalidate</c> of policies) are refused.
    /// Empty: any tenant.
    /// </summary>
    public IList<string> Tenants { get; } = [];

    /// <summary>Whether the caller may set <c>include_meta</c> (the principal as built, matched policies); default true.</summary>
    public bool IncludeMeta { get; set; } = true;
}
