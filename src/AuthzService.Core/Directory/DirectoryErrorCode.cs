namespace AuthzService.Core.Directory;

/// <summary>Why a directory write was refused.</summary>
public enum DirectoryErrorCode
{
    /// <summary>An id, scope, page token or other argument is malformed.</summary>
    InvalidArgument = 0,

    /// <summary>The membership's tenant does not exist.</summary>
    TenantNotFound = 1,
}
