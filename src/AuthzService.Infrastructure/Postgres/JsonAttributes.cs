using System.Globalization;
using System.Text.Json;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>Converts membership attributes to and from the jsonb text PostgreSQL stores.</summary>
internal static class JsonAttributes
{
    public static string Serialize(IReadOnlyDictionary<string, object?> attributes) =>
        JsonSerializer.Serialize(attributes);

    public static IReadOnlyDictionary<string, object?> Deserialize(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? ToDictionary(document.RootElement)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
    }

    // Plain CLR values (not JsonElement) so Core and the Cerbos mapper never see System.Text.Json types.
    private static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when element.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number => double.Parse(element.GetRawText(), CultureInfo.InvariantCulture),
        JsonValueKind.Object => ToDictionary(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        _ => null,
    };

    private static Dictionary<string, object?> ToDictionary(JsonElement element)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = ToValue(property.Value);
        }

        return result;
    }
}
