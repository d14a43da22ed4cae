namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// Keys that authenticate L2 values (configuration section <c>Cache</c>, from a secret). Both are base64 of at
/// least <see cref="CacheValueSigner.MinimumKeyLength"/> bytes. Never logged: only their key ids are.
/// </summary>
public sealed class CacheSigningOptions
{
    public const string SectionName = "Cache";

    /// <summary>
    /// Signs every L2 write and verifies reads (<c>Cache:SigningKey</c>). Required outside Development when L2
    /// is configured; in Development without it, a random per-process key is used (L2 then is not shared).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Also accepted for reads, never used for writes (<c>Cache:PreviousSigningKey</c>): key rotation.</summary>
    public string? PreviousSigningKey { get; set; }
}
