using System.Text;
using AuthzService.Core.Caching;
using AuthzService.Infrastructure.Caching;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Fuzz.Targets;

/// <summary>
/// The L2 cache value decoder (<see cref="SignedDecisionCodec.Decode"/>: the HMAC envelope, then
/// <see cref="CachedDecisionSerializer"/>). Each input is tried as the stored value (what whoever writes to Redis
/// controls) and as a payload signed with the fuzz key (what a format change would leave behind), so mutations
/// reach the JSON reading past the signature. Contract: null or an entry, never an exception; a stored value is
/// only ever an entry when it is exactly the signature of its payload under this key name (no forgery, no
/// moved value); and an entry is complete: no null where the service reads a value.
/// </summary>
internal sealed class L2ValueTarget : FuzzTarget
{
    /// <summary>The store key the values are read from; the seeds are signed for it (<see cref="Seeds"/>).</summary>
    public const string KeyName = "authz:d3:7:4:acme:3:5:alice:9:fuzz";

    /// <summary>A fixed signing key for the corpus (a test key, not a secret: 32 bytes 0x00..0x1f).</summary>
    public static readonly CacheValueSigner Signer = new([.. Enumerable.Range(0, CacheValueSigner.MinimumKeyLength).Select(i => (byte)i)]);

    private static readonly SignedDecisionCodec s_codec = new(Signer, new CacheMetrics(), NullLogger<SignedDecisionCodec>.Instance);

    public override string Name => "l2-value";

    public override string Description => "stored value, and Sign(bytes) -> SignedDecisionCodec.Decode (CacheValueSigner.Verify, CachedDecisionSerializer)";

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[]
        {
            "cd1|", "null", "\"Decision\"", "\"Actions\"", "\"Matches\"", "\"EffectiveDerivedRoles\"", "\"ValidationErrors\"", "\"CallId\"",
            "\"MatchedPolicy\"", "\"Key\"", "\"ExpiresAt\"", "\"9999-12-31T23:59:59+00:00\"", "[null]", "{\"a\":null}", "1e400", "\"\\ud800\"", "2", "-1",
        }.Select(Encoding.UTF8.GetBytes),
        [CacheValueSigner.Version],
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        var stored = input.ToArray();
        if (s_codec.Decode(KeyName, stored) is { } entry)
        {
            FuzzTargets.Require(stored.Length > 37 && Signer.Sign(KeyName, stored.AsSpan(37)).AsSpan().SequenceEqual(stored),
                "a stored value that is not the signature of its payload was accepted");
            Complete(entry);
        }

        if (s_codec.Decode(KeyName, Signer.Sign(KeyName, stored)) is { } signed)
        {
            Complete(signed);
        }
    }

    private static void Complete(CachedDecision entry)
    {
        var d = entry.Decision;
        FuzzTargets.Require(entry is { Key: not null, TenantId: not null, PrincipalId: not null, PolicyRevision: not null } && d is not null,
            "an entry with a null field was accepted");
        FuzzTargets.Require(d is { Kind: not null, Id: not null, CallId: not null, Actions: not null, Matches: not null, EffectiveDerivedRoles: not null, ValidationErrors: not null },
            "a decision with a null field was accepted");
        FuzzTargets.Require(d!.Matches!.Values.All(m => m is { MatchedPolicy: not null, MatchedScope: not null }), "a decision with a null match was accepted");
        FuzzTargets.Require(d.EffectiveDerivedRoles!.All(r => r is not null), "a decision with a null derived role was accepted");
        FuzzTargets.Require(d.ValidationErrors!.All(v => v is { Path: not null, Message: not null, Source: not null }), "a decision with a null validation error was accepted");
    }
}
