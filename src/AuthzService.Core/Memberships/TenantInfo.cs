namespace AuthzService.Core.Memberships;

/// <summary>A tenant row.</summary>
/// <param name="Id">1..128 characters, any text.</param>
/// <param name="DisplayName">Free text for humans.</param>
/// <param name="CerbosScope">
/// The Cerbos policy scope for this tenant, or "" for the base policies. Must satisfy
/// <see cref="Principals.CerbosScope.IsValid"/>; stores reject anything else.
/// </param>
/// <param name="Status">Suspended tenants are denied everything without asking Cerbos.</param>
/// <param name="Tier">Free-form tier label, passed to Cerbos as <c>tenant_tier</c>.</param>
public sealed record TenantInfo(string Id, string DisplayName, string CerbosScope, TenantStatus Status, string Tier);
