namespace AuthzService.Ctl;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class CtlExitCodes
{
    /// <summary>Allowed, or the command succeeded.</summary>
    public const int Ok = 0;

    /// <summary>Denied (check, explain), always denied (plan), or not serving (health).</summary>
    public const int Denied = 1;

    /// <summary>Any error: bad usage, invalid request, service unreachable, deadline passed.</summary>
    public const int Error = 2;
}
