namespace AuthzService.Core.Memberships;

/// <summary>One page of tenants; <see cref="NextPageToken"/> is null on the last page.</summary>
public sealed record TenantPage(IReadOnlyList<TenantInfo> Items, string? NextPageToken);
