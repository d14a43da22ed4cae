using System.Text.Json;

namespace AuthzService.Ctl.Cli;

/// <summary>
/// Parses <c>--attr</c>/<c>--context</c> values: <c>key=value</c> is a string (except <c>true</c>/<c>false</c>,
/// which are booleans, so <c>--context mfa=true</c> works), <c>key:=json</c> is any JSON value
/// (<c>level:=3</c>, <c>tags:=["a","b"]</c>, <c>name:="true"</c>).
/// </summary>
internal static class KeyValueParser
{
    public static IReadOnlyDictionary<string, object?> Parse(IEnumerable<string>? pairs, string flag)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || (eq == 1 && pair[0] == ':'))
            {
                throw new UsageException($"{flag} '{pair}' must be key=value or key:=json.");
            }

            if (pair[eq - 1] == ':')
            {
                var key = pair[..(eq - 1)];
                try
                {
                    using var document = JsonDocument.Parse(pair[(eq + 1)..]);
                    result[key] = document.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new UsageException($"{flag} '{pair}': the value after := is not JSON ({ex.Message}).");
                }
            }
            else
            {
                var value = pair[(eq + 1)..];
                result[pair[..eq]] = value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => value,
                };
            }
        }

        return result;
    }

    /// <summary>Splits <c>kind:id</c>.</summary>
    public static (string Kind, string Id) ParseResource(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < text.Length - 1
            ? (text[..colon], text[(colon + 1)..])
            : throw new UsageException($"--resource '{text}' must be kind:id, e.g. document:doc-1.");
    }

    /// <summary>Repeated flags and comma-separated lists both work: <c>--action read --action delete</c> or <c>--action read,delete</c>.</summary>
    public static string[] SplitList(IEnumerable<string>? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
