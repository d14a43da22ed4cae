namespace AuthzService.Core.Caching;

/// <summary>L1 key of a cached principal; a distinct type, so it can never equal a decision's string key.</summary>
internal sealed record PrincipalCacheKey(string TenantId, string PrincipalId, string TeamId);
