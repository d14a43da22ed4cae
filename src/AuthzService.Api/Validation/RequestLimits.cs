namespace AuthzService.Api.Validation;

/// <summary>Input bounds, aligned with Cerbos's own request limits where it has them.</summary>
internal static class RequestLimits
{
    public const int MaxIdLength = 128;
    public const int MaxResources = 50;
    public const int MaxActions = 50;
    public const int MaxRoles = 50;
    public const int MaxAttributeDepth = 8;
    public const int MaxAttributeKeys = 64;
    public const int MaxAttributeKeyLength = 128;
    /// <summary>Upper bound on the serialized size of one attribute map.</summary>
    public const int MaxAttributeBytes = 16 * 1024;
    public const int MaxJwtLength = 16 * 1024;
    public const int MaxPageSize = 1000;
    public const int MaxDisplayNameLength = 256;
}
