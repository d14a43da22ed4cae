using System.Buffers.Text;
using System.Text;
using AuthzService.Api.Validation;
using AuthzService.Core.Caching;

namespace AuthzService.Fuzz.Targets;

/// <summary>
/// The consistency-token decoder (<see cref="ConsistencyToken.TryDecode"/>) and the validator's shape check. Each
/// input is tried twice: as the token text itself, and as the bytes inside a <c>ct1.</c> token (base64url of them), so
/// mutations reach the field parsing and not only the base64. Contract: false or a token, never an exception; a
/// token is decoded only from its one canonical text (it re-encodes to exactly the input: a mutated token never
/// passes as another), and it round-trips.
/// </summary>
internal sealed class ConsistencyTokenTarget : FuzzTarget
{
    public override string Name => "consistency-token";

    public override string Description => "token text, and ct1.+base64url(bytes) -> ConsistencyTokenFormat.IsWellFormed, ConsistencyToken.TryDecode -> FreshnessFor";

    public override IReadOnlyList<byte[]> Dictionary { get; } =
        [.. new[] { "ct1.", "\n", "-", "_", "=", "+", "/", "0", "00", "9223372036854775807", "9223372036854775808", "-1", "+1", " 1", "acme", "\u00e9", "\ud83d\ude00" }
            .Select(Encoding.UTF8.GetBytes)];

    public override void Run(ReadOnlySpan<byte> input)
    {
        Check(Encoding.UTF8.GetString(input));
        Check("ct1." + Base64Url.EncodeToString(input));
    }

    private static void Check(string text)
    {
        var wellFormed = ConsistencyTokenFormat.IsWellFormed(text);
        if (!ConsistencyToken.TryDecode(text, out var token))
        {
            FuzzTargets.Require(token is null, "TryDecode returned false with a token");
            return;
        }

        FuzzTargets.Require(token is not null, "TryDecode returned true without a token");
        FuzzTargets.Require(string.Equals(token!.Encode(), text, StringComparison.Ordinal), $"'{text}' decoded but is not the canonical text of {token}");
        FuzzTargets.Require(ConsistencyToken.TryDecode(token.Encode(), out var again) && again == token, $"{token} does not round-trip");
        FuzzTargets.Require(token.TenantVersion >= 0 && token.PrincipalVersion >= 0 && token.PolicyEpoch >= 0, $"negative versions decoded: {token}");
        FuzzTargets.Require(!wellFormed || text.Length <= ConsistencyTokenFormat.MaxLength, "the shape check passed an over-long token");
        var freshness = token.FreshnessFor(token.TenantId, token.PrincipalId);
        FuzzTargets.Require(freshness.MinPrincipalVersion == token.PrincipalVersion && freshness.MinTenantVersion == token.TenantVersion
            && freshness.MinPolicyEpoch == token.PolicyEpoch && !freshness.BypassCache, "the token's freshness is not what it says");
        var other = token.FreshnessFor(token.TenantId + "x", token.PrincipalId);
        FuzzTargets.Require(other.MinPrincipalVersion == 0 && other.MinTenantVersion == 0, "a token raised the versions of another tenant");
    }
}
