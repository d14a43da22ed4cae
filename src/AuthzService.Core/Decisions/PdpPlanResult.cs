namespace AuthzService.Core.Decisions;

public sealed record PdpPlanResult(
    PlanKind Kind,
    PlanNode? Condition,
    string FilterDebug,
    IReadOnlyList<ValidationIssue> ValidationErrors,
    string CallId);
