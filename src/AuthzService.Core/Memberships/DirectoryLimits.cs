namespace AuthzService.Core.Memberships;

/// <summary>Limits every directory store enforces (PostgreSQL also enforces them with CHECK constraints).</summary>
public static class DirectoryLimits
{
    /// <summary>Tenant, principal and team ids are 1..128 characters of any text.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Upper bound for one page of <see cref="IDirectoryReader.ListMembershipsAsync"/>.</summary>
    public const int MaxPageSize = 1000;

    public static bool IsValidId(string? id) => id is { Length: > 0 and <= MaxIdLength } && !id.Contains('\0', StringComparison.Ordinal);
}
