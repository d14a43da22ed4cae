using System.Text;
using System.Text.Json;
using AuthzService.Core.Caching;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// The L2 payload format: JSON of <see cref="CachedDecision"/> behind a format tag (stored inside a signed
/// envelope, see <see cref="SignedDecisionCodec"/>). Anything that does not
/// parse into a complete entry (truncated, foreign, older format, nulls where values belong) is reported as
/// unreadable and treated as a miss by the caller.
/// </summary>
public static class CachedDecisionSerializer
{
    private const string Tag = "cd1|";

    private static readonly JsonSerializerOptions s_options = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static byte[] Serialize(CachedDecision entry) =>
        Encoding.UTF8.GetBytes(Tag + JsonSerializer.Serialize(entry, s_options));

    public static bool TryDeserialize(byte[]? value, out CachedDecision? entry)
    {
        entry = null;
        return value is not null && TryDeserialize(value.AsSpan(), out entry);
    }

    public static bool TryDeserialize(ReadOnlySpan<byte> value, out CachedDecision? entry)
    {
        entry = null;
        if (value.Length <= Tag.Length || !value[..Tag.Length].SequenceEqual(Encoding.UTF8.GetBytes(Tag)))
        {
            return false;
        }

        try
        {
            entry = JsonSerializer.Deserialize<CachedDecision>(value[Tag.Length..], s_options);
            var decision = entry?.Decision;
            return decision is { Actions: not null, Matches: not null, EffectiveDerivedRoles: not null, ValidationErrors: not null, CallId: not null };
        }
        catch (JsonException)
        {
            entry = null;
            return false;
        }
        catch (NotSupportedException)
        {
            entry = null;
            return false;
        }
    }
}
