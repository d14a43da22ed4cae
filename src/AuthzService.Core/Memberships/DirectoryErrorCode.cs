namespace AuthzService.Core.Memberships;

/// <summary>Why a directory call failed.</summary>
public enum DirectoryErrorCode
{
    /// <summary>An id, scope, page token or other argument is malformed.</summary>
    InvalidArgument = 0,

    /// <summary>The membership's tenant does not exist.</summary>
    TenantNotFound = 1,

    /// <summary>The store could not be reached or did not answer (connection, pool, timeout, server shutting down): nothing was decided or written.</summary>
    Unavailable = 2,
}
