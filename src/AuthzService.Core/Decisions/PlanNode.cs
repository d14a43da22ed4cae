namespace AuthzService.Core.Decisions;

/// <summary>A node of a query-plan condition: an operator over operands, a value, or a variable.</summary>
public abstract record PlanNode;

/// <summary>An operator (e.g. "and", "eq") applied to operands.</summary>
public sealed record PlanExpressionNode(string Operator, IReadOnlyList<PlanNode> Operands) : PlanNode;

/// <summary>A literal value (null, bool, double, string, list or map).</summary>
public sealed record PlanValueNode(object? Value) : PlanNode;

/// <summary>A reference such as <c>request.resource.attr.owner_id</c>.</summary>
public sealed record PlanVariableNode(string Name) : PlanNode;
