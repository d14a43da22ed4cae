namespace AuthzService.Core.Memberships;

/// <summary>One page of memberships ordered by (principal_id, team_id), ordinal.</summary>
/// <param name="NextPageToken">Opaque; null on the last page.</param>
public sealed record MembershipPage(IReadOnlyList<Membership> Items, string? NextPageToken);
