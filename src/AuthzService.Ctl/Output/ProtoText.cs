using System.Globalization;
using System.Text.Json;
using AuthzService.Contracts;
using AuthzService.Contracts.V1;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Ctl.Output;

/// <summary>Short human renderings of API values for tables and explanations.</summary>
internal static class ProtoText
{
    public static string Effect(Effect effect, Ansi ansi) => effect switch
    {
        Contracts.V1.Effect.Allow => ansi.Green("ALLOW"),
        Contracts.V1.Effect.Deny => ansi.Red("DENY"),
        _ => ansi.Red("UNSPECIFIED (deny)"),
    };

    public static string DenyReason(DenyReason reason) => reason switch
    {
        Contracts.V1.DenyReason.Unspecified => string.Empty,
        Contracts.V1.DenyReason.CrossTenant => "cross-tenant resource",
        Contracts.V1.DenyReason.TenantSuspended => "tenant suspended",
        Contracts.V1.DenyReason.TenantUnknown => "unknown tenant",
        _ => reason.ToString(),
    };

    public static string Source(DecisionSource source) => source switch
    {
        DecisionSource.Cerbos => "Cerbos (fresh)",
        DecisionSource.CacheL1 => "cache L1 (this replica)",
        DecisionSource.CacheL2 => "cache L2 (Redis)",
        DecisionSource.Local => "AuthzService (Cerbos not asked)",
        _ => "unspecified",
    };

    public static string Status(TenantStatus status) => status switch
    {
        TenantStatus.Active or TenantStatus.Unspecified => "active",
        TenantStatus.Suspended => "suspended",
        _ => status.ToString(),
    };

    /// <summary><c>key=value</c> pairs in key order, values as compact JSON (strings unquoted).</summary>
    public static string Attributes(MapField<string, Value> attributes) =>
        string.Join(", ", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={Value(a.Value)}"));

    public static string Value(Value value) => value.KindCase switch
    {
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue => value.StringValue,
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue => value.NumberValue.ToString(CultureInfo.InvariantCulture),
        Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => JsonSerializer.Serialize(ProtoValues.ToObject(value)),
    };

    /// <summary>A plan condition as an S-expression: <c>(eq request.resource.attr.owner_id "bob")</c>.</summary>
    public static string Condition(PlanExpression? expression) => expression is null
        ? string.Empty
        : $"({expression.Operator} {string.Join(' ', expression.Operands.Select(Operand))})";

    private static string Operand(PlanOperand operand) => operand.NodeCase switch
    {
        PlanOperand.NodeOneofCase.Variable => operand.Variable,
        PlanOperand.NodeOneofCase.Expression => Condition(operand.Expression),
        PlanOperand.NodeOneofCase.Value => JsonSerializer.Serialize(ProtoValues.ToObject(operand.Value)),
        _ => "?",
    };
}
