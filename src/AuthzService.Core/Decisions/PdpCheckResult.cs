namespace AuthzService.Core.Decisions;

/// <summary>
/// Results in request order. <see cref="ProtocolError"/> is set when the PDP's answer did not
/// match the request (wrong count, wrong id, missing action): such results hold denies and must
/// never be cached.
/// </summary>
public sealed record PdpCheckResult(
    IReadOnlyList<ResourceDecision> Results,
    string CallId,
    bool ProtocolError = false);
