namespace AuthzService.Core.Decisions;

/// <summary>Where a decision came from.</summary>
public enum DecisionSource
{
    Cerbos = 0,
    CacheL1 = 1,
    CacheL2 = 2,
    /// <summary>Decided by AuthzService without the PDP (cross-tenant, suspended or unknown tenant).</summary>
    Local = 3,
}
