using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.Audit;

/// <summary>
/// Renders principal_context for the audit trail with every value under a secret-looking key
/// replaced, at any depth (a secret nested in a struct or list is still a secret).
/// </summary>
/// <remarks>
/// Never throws on a context: validation refuses values JSON cannot hold (no kind, non-finite numbers), but
/// the audit must not depend on that — a rendering failure after a decision would lose its audit record.
/// A value without a kind is written as null.
/// </remarks>
internal sealed class ContextRedactor(IEnumerable<string> secretKeyMarkers)
{
    public const string Redacted = "[REDACTED]";

    /// <summary>Written instead of a context that cannot be rendered as JSON.</summary>
    public const string Unrenderable = "[UNRENDERABLE]";

    private readonly string[] _markers = [.. secretKeyMarkers.Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim())];

    public bool IsSecretKey(string key) => _markers.Any(m => key.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>Compact JSON of the redacted context; "{}" when empty.</summary>
    public string ToJson(MapField<string, Value> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Count == 0)
        {
            return "{}";
        }

        var copy = new Struct();
        foreach (var (key, value) in context)
        {
            copy.Fields[key] = Redact(key, value);
        }

        try
        {
            return JsonFormatter.Default.Format(copy);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Whatever JSON cannot say, the decision is still recorded once (with this in place of the context).
            return Unrenderable;
        }
    }

    private Value Redact(string key, Value value) =>
        IsSecretKey(key) ? Value.ForString(Redacted) : RedactNested(value);

    private Value RedactNested(Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.StructValue:
                {
                    var copy = new Struct();
                    foreach (var (key, inner) in value.StructValue.Fields)
                    {
                        copy.Fields[key] = Redact(key, inner);
                    }

                    return Value.ForStruct(copy);
                }

            case Value.KindOneofCase.ListValue:
                return Value.ForList([.. value.ListValue.Values.Select(RedactNested)]);
            case Value.KindOneofCase.None:
                return Value.ForNull();
            default:
                return value;
        }
    }
}
