namespace AuthzService.Core.Caching;

/// <summary>Invalidation generations (global, tenant stripe, principal stripe) a cached principal was read under.</summary>
public readonly record struct PrincipalGenerations(long Global, long Tenant, long Principal);
