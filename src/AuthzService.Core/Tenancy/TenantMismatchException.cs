namespace AuthzService.Core.Tenancy;

/// <summary>The request contradicts its own tenant (e.g. its token names another tenant): PERMISSION_DENIED.</summary>
public sealed class TenantMismatchException : Exception
{
    public TenantMismatchException()
    {
    }

    public TenantMismatchException(string message)
        : base(message)
    {
    }

    public TenantMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
