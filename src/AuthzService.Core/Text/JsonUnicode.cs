using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace AuthzService.Core.Text;

/// <summary>
/// Finds JSON strings that have no .NET string: <see cref="JsonDocument"/> parses a string holding invalid UTF-8 or an
/// unpaired surrogate escape (<c>"\ud800"</c>) without complaint, and only reading it throws
/// <see cref="InvalidOperationException"/>. Whoever reads hostile JSON checks it here first and refuses it as
/// malformed, rather than failing on it half-way through (found by fuzzing, issue 14 point 4).
/// </summary>
public static class JsonUnicode
{
    /// <summary>What a refusal says about the text.</summary>
    public const string Rule = "is not valid Unicode text (invalid UTF-8 or an unpaired surrogate escape)";

    /// <summary>
    /// The first string value or property name under <paramref name="element"/> that cannot be read, or null when all
    /// can: <c>Path</c> is where it is (<c>a.b[2].c</c>, relative to <paramref name="element"/>, "" for itself),
    /// <c>IsName</c> whether it is a property name there rather than the value.
    /// </summary>
    public static (string Path, bool IsName)? FindUnreadable(JsonElement element) => Find(element, string.Empty);

    private static (string Path, bool IsName)? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsReadable(JsonMarshal.GetRawUtf8Value(element), element.GetString) ? null : (path, false);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsReadable(JsonMarshal.GetRawUtf8PropertyName(property), () => property.Name))
                    {
                        return (path, true);
                    }

                    if (Find(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    // Valid UTF-8 without a \u escape always reads; an escape is checked by reading it (only then can a surrogate be unpaired).
    private static bool IsReadable(ReadOnlySpan<byte> raw, Func<string?> read)
    {
        if (!Utf8.IsValid(raw))
        {
            return false;
        }

        if (raw.IndexOf("\\u"u8) < 0)
        {
            return true;
        }

        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
