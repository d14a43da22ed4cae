using System.Text.Json;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// Reads one evaluation into an <see cref="AuthZenDecisionRequest"/>: required keys present and of the right JSON
/// type, the tenant from the path or <c>subject.properties.tenant_id</c>. Every problem is reported with the AuthZEN
/// name of its field. Content rules (id lengths, invisible characters, attribute bounds) are the CheckResources
/// validator's, whose field names <see cref="AuthZenErrors"/> translates back.
/// </summary>
internal static class AuthZenRequestReader
{
    public const string TenantProperty = "tenant_id";
    public const string TeamProperty = "team_id";

    /// <summary>
    /// The principal-context key under which the request's <c>context</c> and <c>action.properties</c> reach policies
    /// (<c>P.attr.context.authzen.context</c>, <c>P.attr.context.authzen.action</c>; decision 45); reserved in
    /// <c>subject.properties</c>.
    /// </summary>
    public const string ReservedProperty = "authzen";

    /// <summary>
    /// The request, or null with the problems in <paramref name="problems"/>. <paramref name="subjectId"/>: the
    /// principal to decide for instead of <c>subject.id</c> (subject search, where the id is ignored);
    /// <paramref name="actionName"/>: the action instead of <c>action</c>, which is then not read (action search).
    /// </summary>
    public static AuthZenDecisionRequest? Read(AuthZenEvaluation evaluation, string? pathTenant, List<string> problems, string? subjectId = null, string? actionName = null)
    {
        var start = problems.Count;
        var subject = RequireObject(evaluation.Subject, "subject", problems);
        var action = actionName is null ? RequireObject(evaluation.Action, "action", problems) : null;
        var resource = RequireObject(evaluation.Resource, "resource", problems);
        var context = OptionalObject(evaluation.Context, "context", problems);

        string? tenant = pathTenant, team = string.Empty, principal = null, principalKey = string.Empty;
        var principalContext = new Dictionary<string, Value>(StringComparer.Ordinal);
        if (subject is { } s)
        {
            RequireString(s, "type", "subject", problems);
            principal = subjectId ?? RequireString(s, "id", "subject", problems);
            if (OptionalObject(Member(s, "properties"), "subject.properties", problems) is { } properties)
            {
                principalKey = properties.GetRawText();
                foreach (var property in properties.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case TenantProperty:
                            tenant = TenantOf(property.Value, pathTenant, problems);
                            break;
                        case TeamProperty:
                            team = StringOf(property.Value, "subject.properties.team_id", problems);
                            break;
                        case ReservedProperty:
                            problems.Add($"subject.properties.{ReservedProperty}: is reserved (the request's context and action.properties reach policies as P.attr.context.{ReservedProperty})");
                            break;
                        default:
                            principalContext[property.Name] = ToValue(property.Value);
                            break;
                    }
                }
            }
        }

        if (subject is not null && tenant is null)
        {
            problems.Add("subject.properties.tenant_id: is required on /access/v1/... (or use /tenants/{tenant_id}/access/v1/...)");
        }

        actionName ??= action is { } a ? RequireString(a, "name", "action", problems) : null;
        var actionProperties = action is { } withProperties ? OptionalObject(Member(withProperties, "properties"), "action.properties", problems) : null;

        // Request-time facts Cerbos has no field for (decision 45): policies read them under P.attr.context.authzen,
        // and they join the principal's key, so evaluations differing in them are decided (and cached) apart.
        var facts = new Struct();
        if (context is { } c && c.EnumerateObject().Any())
        {
            facts.Fields["context"] = ToValue(c);
        }

        if (actionProperties is { } p && p.EnumerateObject().Any())
        {
            facts.Fields["action"] = ToValue(p);
        }

        if (facts.Fields.Count > 0)
        {
            principalContext[ReservedProperty] = Value.ForStruct(facts);
            // The JSON as sent, like the properties above: protobuf's JSON form of the facts throws on what JSON
            // allows and it does not (an empty member name, found by fuzzing, issue 14 point 4).
            principalKey += '\u001f' + context?.GetRawText() + '\u001f' + actionProperties?.GetRawText();
        }

        string? type = null, id = null;
        var attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        if (resource is { } r)
        {
            type = RequireString(r, "type", "resource", problems);
            id = RequireString(r, "id", "resource", problems);
            if (OptionalObject(Member(r, "properties"), "resource.properties", problems) is { } properties)
            {
                foreach (var property in properties.EnumerateObject())
                {
                    attributes[property.Name] = ToValue(property.Value);
                }
            }
        }

        if (problems.Count > start)
        {
            return null;
        }

        return new AuthZenDecisionRequest(
            tenant!, pathTenant is not null, team ?? string.Empty, principal!, principalContext,
            string.Join('\u001f', tenant, principal, principalKey), type!, id!, attributes, actionName!);
    }

    /// <summary>JSON to a protobuf Value, as CheckResources carries attributes; non-finite numbers cannot occur in JSON.</summary>
    public static Value ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Value.ForString(element.GetString()!),
        JsonValueKind.Number => Value.ForNumber(element.GetDouble()),
        JsonValueKind.True => Value.ForBool(true),
        JsonValueKind.False => Value.ForBool(false),
        JsonValueKind.Object => Value.ForStruct(StructOf(element)),
        JsonValueKind.Array => Value.ForList([.. element.EnumerateArray().Select(ToValue)]),
        _ => Value.ForNull(),
    };

    private static Struct StructOf(JsonElement element)
    {
        var result = new Struct();
        foreach (var property in element.EnumerateObject())
        {
            result.Fields[property.Name] = ToValue(property.Value);
        }

        return result;
    }

    private static string? TenantOf(JsonElement value, string? pathTenant, List<string> problems)
    {
        var tenant = StringOf(value, "subject.properties.tenant_id", problems);
        if (pathTenant is not null && tenant is not null && !string.Equals(tenant, pathTenant, StringComparison.Ordinal))
        {
            problems.Add("subject.properties.tenant_id: names another tenant than the path (/tenants/{tenant_id}/...)");
            return null;
        }

        return tenant;
    }

    private static JsonElement? RequireObject(JsonElement? value, string name, List<string> problems)
    {
        if (value is null)
        {
            problems.Add($"{name}: is required");
            return null;
        }

        return OptionalObject(value, name, problems);
    }

    private static JsonElement? OptionalObject(JsonElement? value, string name, List<string> problems)
    {
        if (value is { ValueKind: not JsonValueKind.Object } wrong)
        {
            problems.Add($"{name}: must be a JSON object (got {Kind(wrong)})");
            return null;
        }

        return value;
    }

    private static string? RequireString(JsonElement owner, string member, string ownerName, List<string> problems)
    {
        if (Member(owner, member) is not { } value)
        {
            problems.Add($"{ownerName}.{member}: is required");
            return null;
        }

        return StringOf(value, $"{ownerName}.{member}", problems);
    }

    private static string? StringOf(JsonElement value, string name, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{name}: must be a string (got {Kind(value)})");
            return null;
        }

        return value.GetString();
    }

    private static JsonElement? Member(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
