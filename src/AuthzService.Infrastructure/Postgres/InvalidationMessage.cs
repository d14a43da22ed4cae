using System.Text.Json;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>
/// A NOTIFY payload written by the directory's SQL functions:
/// <c>{"kind": "principal"|"tenant"|"policy", "tenant_id": ..., "principal_id": ..., "version": n}</c>.
/// </summary>
internal sealed record InvalidationMessage(string Kind, string? TenantId, string? PrincipalId, long Version)
{
    public const string PrincipalKind = "principal";
    public const string TenantKind = "tenant";
    public const string PolicyKind = "policy";

    /// <summary>Returns null for anything malformed; a bad payload must never break the listener.</summary>
    public static InvalidationMessage? TryParse(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt64(out var number))
            {
                return null;
            }

            var message = new InvalidationMessage(kind.GetString()!, GetString(root, "tenant_id"), GetString(root, "principal_id"), number);
            return message.Kind switch
            {
                PrincipalKind when message.TenantId is not null && message.PrincipalId is not null => message,
                TenantKind when message.TenantId is not null => message,
                PolicyKind => message,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
