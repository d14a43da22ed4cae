namespace AuthzService.Core.Invalidation;

/// <summary>
/// Receives change notifications from the directory (another replica's or an operator's writes).
/// Calls are cheap and synchronous: implementations evict in-memory entries, nothing more.
/// </summary>
public interface IInvalidationSink
{
    void OnPrincipalChanged(string tenantId, string principalId, long version);

    void OnTenantChanged(string tenantId, long version);

    void OnPolicyEpochChanged(long epoch);

    /// <summary>
    /// Notifications may have been missed (the channel was down): drop everything that relies on them.
    /// </summary>
    void OnResync();
}
