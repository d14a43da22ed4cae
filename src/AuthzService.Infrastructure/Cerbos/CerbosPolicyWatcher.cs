using AuthzService.Core.Caching;
using AuthzService.Core.Invalidation;
using AuthzService.Core.Memberships;
using AuthzService.Infrastructure.Cerbos.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// Makes the decision cache follow the policies Cerbos actually serves when they change without us
/// (git store, a Cerbos deployed elsewhere): reads Cerbos's metrics every <see cref="CerbosPolicyWatchOptions.Interval"/>
/// and, when its policy store changed (<see cref="PolicyStoreTracker"/>), bumps the global policy epoch as
/// <c>Invalidate(policies)</c> does (every replica's keys change, this replica is told at once). While it
/// cannot read them (<see cref="PolicyWatchState"/>), the decision cache falls back to a short TTL without L2.
/// Off unless <see cref="CerbosPolicyWatchOptions.Address"/> is set.
/// </summary>
public sealed class CerbosPolicyWatcher : BackgroundService
{
    public const string EpochLabel = "cerbos-policy-change";

    private readonly CerbosPolicyWatchOptions _options;
    private readonly Func<ICerbosMetricsReader>? _readerFactory;
    private readonly IDirectoryWriter _directory;
    private readonly IInvalidationSink _local;
    private readonly PolicyWatchState _state;
    private readonly ILocalCache _l1;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PolicyStoreTracker _tracker = new();
    private bool _loggedUnconfirmed;

    public CerbosPolicyWatcher(
        IOptions<CerbosOptions> options, IDirectoryWriter directory, IInvalidationSink local, PolicyWatchState state, ILocalCache l1,
        ILogger<CerbosPolicyWatcher> logger)
        : this(options?.Value!, directory, local, state, l1, logger, TimeProvider.System, null)
    {
    }

    internal CerbosPolicyWatcher(
        CerbosOptions options, IDirectoryWriter directory, IInvalidationSink local, PolicyWatchState state, ILocalCache l1,
        ILogger logger, TimeProvider time, Func<ICerbosMetricsReader>? readerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.PolicyWatch;
        _directory = directory;
        _local = local;
        _state = state;
        _l1 = l1;
        _logger = logger;
        _time = time;
        _readerFactory = readerFactory ?? (options.PolicyWatch.Address is null ? null : () => new CerbosMetricsReader(options, logger));
    }

    /// <summary>Epoch bumps made (for tests).</summary>
    internal int Bumps { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_readerFactory is null)
        {
            return;
        }

        var reader = _readerFactory();
        try
        {
            PolicyWatchLog.PolicyWatchStarted(_logger, _options.Address?.ToString() ?? "(test)", _options.Interval);
            using var timer = new PeriodicTimer(_options.Interval, _time);
            do
            {
                await PollAsync(reader, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            (reader as IDisposable)?.Dispose();
        }
    }

    /// <summary>One reading and, if due, one bump. Returns whether Cerbos's policy store state could be read.</summary>
    internal async Task<bool> PollAsync(ICerbosMetricsReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        PolicyStoreState? state;
        try
        {
            state = PolicyStoreState.Parse(await reader.ReadAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing learnt (unreachable, refused TLS, not 200, too large, timeout); a change made meanwhile shows in
            // the counters (or a new process) once Cerbos answers again. Never fatal: the short TTL covers it.
            Unconfirmed(ex.Message);
            return false;
        }

        if (state is null)
        {
            Unconfirmed("no policy index metrics (is Cerbos's server.metricsEnabled on?)");
            return false;
        }

        _tracker.Observe(state);
        if (_tracker.BumpDue)
        {
            await BumpAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_tracker.BumpDue)
        {
            // A change seen but not yet announced: the cache keeps to the short TTL until the bump is made.
            Unconfirmed("the policy epoch could not be bumped");
            return true;
        }

        if (_state.Confirm())
        {
            _loggedUnconfirmed = false;
            PolicyWatchLog.PolicyWatchConfirmed(_logger);
        }

        return true;
    }

    private void Unconfirmed(string detail)
    {
        if (_state.Lose())
        {
            // What this replica cached with the full TTL may outlive a change it can no longer see.
            _l1.Clear();
            PolicyWatchLog.PolicyWatchUnconfirmed(_logger, detail, _options.UnconfirmedTtl);
        }
        else if (!_loggedUnconfirmed)
        {
            PolicyWatchLog.PolicyWatchUnconfirmed(_logger, detail, _options.UnconfirmedTtl);
        }

        _loggedUnconfirmed = true;
    }

    private async Task BumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var epoch = await _directory.BumpPolicyEpochAsync(EpochLabel, cancellationToken).ConfigureAwait(false);
            _local.OnPolicyEpochChanged(epoch);
            _tracker.Bumped();
            Bumps++;
            PolicyWatchLog.PolicyEpochBumped(_logger, _tracker.Reason, epoch);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Still due: tried again at the next reading.
            PolicyWatchLog.PolicyEpochBumpFailed(_logger, _tracker.Reason, ex);
        }
    }
}
