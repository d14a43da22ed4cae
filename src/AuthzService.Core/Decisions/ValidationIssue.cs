namespace AuthzService.Core.Decisions;

/// <summary>A schema validation problem the PDP reported ("principal" or "resource" source).</summary>
public sealed record ValidationIssue(string Path, string Message, string Source);
