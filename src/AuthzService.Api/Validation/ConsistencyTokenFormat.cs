namespace AuthzService.Api.Validation;

/// <summary>Shape check for consistency tokens; the token codec itself lives with the cache.</summary>
internal static class ConsistencyTokenFormat
{
    public const int MaxLength = 512;

    public static bool IsWellFormed(string? token) =>
        token is { Length: > 0 and <= MaxLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
