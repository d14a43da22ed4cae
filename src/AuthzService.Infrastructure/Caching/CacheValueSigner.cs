using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// Authenticates values kept in a shared store (the L2 cache) with HMAC-SHA256, so that whoever can write to
/// that store cannot plant or move an answer. Works on plain bytes and knows nothing of Redis: any byte[]
/// store (StackExchange.Redis, an <c>IDistributedCache</c>) can use it.
/// </summary>
/// <remarks>
/// Layout of a signed value: <c>version (1 byte) | key id (4 bytes) | MAC (32 bytes) | payload</c>. The MAC is
/// HMAC-SHA256 under the signing key over a domain label, the version, the key id, the store key name
/// (length-prefixed UTF-8) and the payload: a valid value copied under another key name fails, and so does
/// one whose version or key id byte was changed. The key id is the first 4 bytes of HMAC(key, a fixed label):
/// it tells which configured key to verify with (rotation) and, in logs, which key wrote a refused value,
/// without revealing anything about the key. Writes always use the current key; previous keys verify only.
/// </remarks>
public sealed class CacheValueSigner
{
    /// <summary>Smallest accepted key: 256 bits, the HMAC-SHA256 block strength.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>The first byte of every signed value; bumped if the layout or MAC input ever changes.</summary>
    public const byte Version = 1;

    private const int KeyIdLength = 4;
    private const int MacLength = HMACSHA256.HashSizeInBytes;
    private const int HeaderLength = 1 + KeyIdLength + MacLength;

    private static readonly byte[] s_macLabel = Encoding.ASCII.GetBytes("authz-cache-value-v1\0");
    private static readonly byte[] s_keyIdLabel = Encoding.ASCII.GetBytes("authz-cache-key-id-v1\0");

    private readonly SigningKey _current;
    private readonly SigningKey[] _accepted;

    /// <param name="currentKey">Signs every write and verifies reads; at least <see cref="MinimumKeyLength"/> bytes.</param>
    /// <param name="previousKeys">Verify reads only (key rotation); same length rule.</param>
    public CacheValueSigner(ReadOnlySpan<byte> currentKey, IEnumerable<byte[]>? previousKeys = null)
    {
        _current = new SigningKey(currentKey.ToArray());
        _accepted = [_current, .. (previousKeys ?? []).Select(k => new SigningKey(k))];
    }

    /// <summary>The current key's id as 8 hex digits (safe to log).</summary>
    public string CurrentKeyId => _current.IdText;

    /// <summary>Ids of every key reads accept, current first (safe to log).</summary>
    public IReadOnlyList<string> AcceptedKeyIds => [.. _accepted.Select(k => k.IdText)];

    /// <summary>
    /// Parses a configured key: base64 of at least <see cref="MinimumKeyLength"/> bytes. On failure
    /// <paramref name="problem"/> says why, without quoting the value (it is a secret).
    /// </summary>
    public static bool TryParseKey(string? base64, out byte[] key, out string problem)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(base64))
        {
            problem = "is empty";
            return false;
        }

        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            problem = "is not valid base64 (expected e.g. the output of `openssl rand -base64 32`)";
            return false;
        }

        if (key.Length < MinimumKeyLength)
        {
            problem = $"must decode to at least {MinimumKeyLength} bytes (got {key.Length}); generate one with `openssl rand -base64 32`";
            CryptographicOperations.ZeroMemory(key);
            key = [];
            return false;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>The signed value of <paramref name="payload"/> stored under <paramref name="keyName"/>.</summary>
    public byte[] Sign(string keyName, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        var value = new byte[HeaderLength + payload.Length];
        value[0] = Version;
        _current.Id.CopyTo(value.AsSpan(1, KeyIdLength));
        payload.CopyTo(value.AsSpan(HeaderLength));
        Mac(_current.Secret, _current.Id, keyName, payload, value.AsSpan(1 + KeyIdLength, MacLength));
        return value;
    }

    /// <summary>
    /// Checks a value read from under <paramref name="keyName"/>. Only <see cref="CacheValueCheck.Valid"/> sets
    /// <paramref name="payload"/> to the bytes that were signed; anything else must be treated as a miss.
    /// </summary>
    public CacheValueCheck Verify(string keyName, ReadOnlyMemory<byte> value, out ReadOnlyMemory<byte> payload, out string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        payload = ReadOnlyMemory<byte>.Empty;
        keyId = string.Empty;
        var span = value.Span;
        if (span.Length < HeaderLength || span[0] != Version)
        {
            return CacheValueCheck.NotSigned;
        }

        var id = span.Slice(1, KeyIdLength);
        keyId = Convert.ToHexStringLower(id);
        var stored = span.Slice(1 + KeyIdLength, MacLength);
        var signed = span[HeaderLength..];
        Span<byte> expected = stackalloc byte[MacLength];
        var known = false;
        foreach (var key in _accepted)
        {
            if (!id.SequenceEqual(key.Id))
            {
                continue;
            }

            known = true;
            Mac(key.Secret, key.Id, keyName, signed, expected);
            if (CryptographicOperations.FixedTimeEquals(expected, stored))
            {
                payload = value[HeaderLength..];
                return CacheValueCheck.Valid;
            }
        }

        return known ? CacheValueCheck.BadSignature : CacheValueCheck.UnknownKey;
    }

    private static void Mac(byte[] secret, byte[] keyId, string keyName, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        Span<byte> header = stackalloc byte[1 + KeyIdLength + sizeof(int)];
        header[0] = Version;
        keyId.CopyTo(header[1..]);
        var name = Encoding.UTF8.GetBytes(keyName);
        BinaryPrimitives.WriteInt32BigEndian(header[(1 + KeyIdLength)..], name.Length);
        hmac.AppendData(s_macLabel);
        hmac.AppendData(header);
        hmac.AppendData(name);
        hmac.AppendData(payload);
        hmac.GetHashAndReset(destination);
    }

    private sealed class SigningKey
    {
        public SigningKey(byte[] secret)
        {
            if (secret.Length < MinimumKeyLength)
            {
                throw new ArgumentException($"a cache signing key must be at least {MinimumKeyLength} bytes", nameof(secret));
            }

            Secret = secret;
            Id = HMACSHA256.HashData(secret, s_keyIdLabel)[..KeyIdLength];
            IdText = Convert.ToHexStringLower(Id);
        }

        public byte[] Secret { get; }

        public byte[] Id { get; }

        public string IdText { get; }
    }
}
