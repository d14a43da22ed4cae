using System.Buffers.Text;
using System.Text.Json;
using AuthzService.Core.Text;

namespace AuthzService.Core.Tenancy;

/// <summary>
/// The one reading of an unverified JWT's payload (Cerbos verifies tokens; we only look at claims): three
/// dot-separated parts, a base64url payload that is a JSON object with unique member names (RFC 7519 section 4:
/// a parser must reject duplicate claim names or take the last; taking one of two tenants would let a token name
/// two) and only readable strings. Anything else is unreadable, never an exception.
/// </summary>
internal static class JwtPayload
{
    private static readonly JsonDocumentOptions s_options = new() { AllowDuplicateProperties = false };

    /// <summary>The payload as a JSON object, or null when <paramref name="jwt"/> is not such a token.</summary>
    public static JsonDocument? TryParse(string jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]), s_options);
        }
        // The duplicate-name check reads every member name and throws InvalidOperationException on one that has no
        // text ({"\udc00":1}), not JsonException (found by fuzzing, issue 14 point 4).
        catch (Exception ex) when (ex is FormatException or JsonException
            || (ex is InvalidOperationException && ex.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true))
        {
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object || JsonUnicode.FindUnreadable(document.RootElement) is not null)
        {
            document.Dispose();
            return null;
        }

        return document;
    }
}
