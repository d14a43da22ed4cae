namespace AuthzService.Core.Decisions;

/// <summary>How the PDP reached an effect for one action.</summary>
public sealed record ActionMatch(string MatchedPolicy, string MatchedScope);
