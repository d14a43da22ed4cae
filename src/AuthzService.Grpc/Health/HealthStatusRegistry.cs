using AuthzService.Grpc.Health.Internal;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Grpc.Health;

/// <summary>
/// The serving status the <c>grpc.health.v1.Health</c> service reports, per service name.
/// <see cref="Server"/> (<c>""</c>) is the whole server and starts SERVING; other names are
/// unknown until set. After <see cref="EnterShutdown"/> everything stays NOT_SERVING.
/// </summary>
public sealed class HealthStatusRegistry
{
    /// <summary>The name that stands for the whole server.</summary>
    public const string Server = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [Server] = ServingStatus.Serving };
    private readonly List<HealthWatcher> _watchers = [];

    public bool IsShuttingDown { get; private set; }

    /// <summary>Sets a service's status and notifies watchers. Ignored once shutting down.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status is not (ServingStatus.Serving or ServingStatus.NotServing or ServingStatus.Unknown))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "SERVICE_UNKNOWN is reported by Watch, not set.");
        }

        lock (_lock)
        {
            if (IsShuttingDown)
            {
                return;
            }

            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    public bool TryGetStatus(string service, out ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>
    /// S12: every known service becomes NOT_SERVING, so load balancers drain this instance while
    /// in-flight calls finish. Watch streams get the change and then end, so they do not hold up shutdown.
    /// </summary>
    public void EnterShutdown()
    {
        lock (_lock)
        {
            if (IsShuttingDown)
            {
                return;
            }

            foreach (var service in _statuses.Keys.ToList())
            {
                _statuses[service] = ServingStatus.NotServing;
                Notify(service, ServingStatus.NotServing);
            }

            IsShuttingDown = true;
            foreach (var watcher in _watchers)
            {
                watcher.Changes.Writer.TryComplete();
            }
        }
    }

    /// <summary>A stream of statuses for one name: the current one first, then each change.</summary>
    internal HealthWatcher Watch(string service)
    {
        lock (_lock)
        {
            var watcher = new HealthWatcher(this, service);
            watcher.Changes.Writer.TryWrite(_statuses.TryGetValue(service, out var current) ? current : ServingStatus.ServiceUnknown);
            if (IsShuttingDown)
            {
                watcher.Changes.Writer.TryComplete();
            }
            else
            {
                _watchers.Add(watcher);
            }

            return watcher;
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        foreach (var watcher in _watchers)
        {
            if (watcher.Service == service)
            {
                watcher.Changes.Writer.TryWrite(status);
            }
        }
    }

    internal void Remove(HealthWatcher watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }
    }
}
