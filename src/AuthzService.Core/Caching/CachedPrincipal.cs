using AuthzService.Core.Principals;

namespace AuthzService.Core.Caching;

/// <summary>A built principal, the generations it was read under, and when it was stored.</summary>
internal sealed record CachedPrincipal(BuiltPrincipal Principal, PrincipalGenerations Generations, DateTimeOffset StoredAt);
