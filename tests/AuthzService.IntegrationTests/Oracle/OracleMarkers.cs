using AuthzService.Core.Invalidation;

namespace AuthzService.IntegrationTests.Oracle;

/// <summary>
/// Which writes each replica has been notified of. After write k returns, the oracle sends a marker notification
/// (<see cref="Tenant"/>, version k) on the service's own channel; PostgreSQL delivers notifications in commit order and a
/// replica's listener hands them to its sink one at a time, so a replica that has handled marker k has handled every
/// notification of writes 1..k. From then on the documented bound (docs/cache.md: one notification round trip) says
/// it answers at least the state after write k, the same notification-relative reasoning as RevocationRaceTests.
/// </summary>
internal sealed class OracleMarkers(int replicas)
{
    /// <summary>Not a valid tenant of the model; markers never reach the cache.</summary>
    public const string Tenant = "oracle-marker";

    private readonly long[] _seen = new long[replicas];

    /// <summary>The newest marker replica <paramref name="replica"/> has handled (0: none).</summary>
    public long Seen(int replica) => Volatile.Read(ref _seen[replica]);

    public IInvalidationSink Decorate(int replica, IInvalidationSink inner) => new Sink(this, replica, inner);

    private void Record(int replica, long marker)
    {
        long seen;
        while (marker > (seen = Volatile.Read(ref _seen[replica])) && Interlocked.CompareExchange(ref _seen[replica], marker, seen) != seen)
        {
        }
    }

    /// <summary>The replica's own sink with markers taken out (everything else passes through unchanged).</summary>
    private sealed class Sink(OracleMarkers markers, int replica, IInvalidationSink inner) : IInvalidationSink
    {
        public void OnPrincipalChanged(string tenantId, string principalId, long version)
        {
            if (tenantId == Tenant)
            {
                markers.Record(replica, version);
                return;
            }

            inner.OnPrincipalChanged(tenantId, principalId, version);
        }

        public void OnTenantChanged(string tenantId, long version) => inner.OnTenantChanged(tenantId, version);

        public void OnPolicyEpochChanged(long epoch) => inner.OnPolicyEpochChanged(epoch);

        public void OnResync() => inner.OnResync();
    }
}
