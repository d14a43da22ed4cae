using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.Audit;

/// <summary>
/// Renders principal_context for the audit trail with every value under a secret-looking key
/// replaced, at any depth (a secret nested in a struct or list is still a secret).
/// </summary>
internal sealed class ContextRedactor(IEnumerable<string> secretKeyMarkers)
{
    public const string Redacted = "[REDACTED]";

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

        return JsonFormatter.Default.Format(copy);
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
            default:
                return value;
        }
    }
}
