using AuthzService.Core.Principals;

namespace AuthzService.Core.Decisions;

/// <summary>A query plan; <see cref="DenyReason"/> is set when AuthzService answered ALWAYS_DENIED itself.</summary>
public sealed record PlanOutcome(
    PlanKind Kind,
    PlanNode? Condition,
    string FilterDebug,
    IReadOnlyList<ValidationIssue> ValidationErrors,
    DenyReason DenyReason,
    BuiltPrincipal? Principal,
    string Scope);
