namespace AuthzService.Core.Decisions;

/// <summary>
/// What a decision was computed from: the tenant and principal with their versions, and the
/// policy epoch. A cached decision may answer only a request with an equal stamp.
/// </summary>
/// <param name="Fresh">Demand a fresh answer from the PDP (it is still stored).</param>
public sealed record DecisionStamp(
    string TenantId,
    long TenantVersion,
    string PrincipalId,
    long PrincipalVersion,
    long PolicyEpoch,
    bool Fresh = false);
