namespace AuthzService.Core.Decisions;

public enum PlanKind
{
    AlwaysDenied = 0,
    AlwaysAllowed = 1,
    Conditional = 2,
}
