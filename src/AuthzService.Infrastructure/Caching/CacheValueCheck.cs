namespace AuthzService.Infrastructure.Caching;

/// <summary>What <see cref="CacheValueSigner.Verify"/> found. Everything but <see cref="Valid"/> is a miss.</summary>
public enum CacheValueCheck
{
    /// <summary>Signed by an accepted key for exactly this key name.</summary>
    Valid,

    /// <summary>No signature at all: too short, another format (e.g. written by an older version), or foreign bytes.</summary>
    NotSigned,

    /// <summary>Signed with a key id none of the configured keys has: another deployment's key, or a retired one.</summary>
    UnknownKey,

    /// <summary>The key id is ours but the MAC does not match: forged, altered, or moved under another key name.</summary>
    BadSignature,
}
