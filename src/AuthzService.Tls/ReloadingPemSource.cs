using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace AuthzService.Tls;

/// <summary>
/// A value loaded from PEM files that follows the files: when any file's modification time changes it is
/// loaded again, at most once per interval and only on use, so a TLS handshake costs a timestamp comparison.
/// A load that fails (a rotation writes certificate and key one after the other) keeps the previous value
/// and is retried on the next check, so connections never see a half-written pair. Connections already
/// established keep their TLS session: rotation never fails calls in flight.
/// </summary>
public sealed class ReloadingPemSource<T>
    where T : class
{
    private readonly string[] _paths;
    private readonly Func<T> _load;
    private readonly long _intervalTicks;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private T _current;
    private DateTime[] _stamps;
    private long _nextCheck;

    /// <summary>Loads the value now; a failure here (missing or bad files at start-up) throws.</summary>
    /// <param name="paths">The files the value is read from; a change to any of them triggers a reload.</param>
    /// <param name="load">Reads the files; throws on bad content.</param>
    /// <param name="interval">At most one check of the files per interval.</param>
    /// <param name="logger">Told about each reload and each failed one (with the owner's category).</param>
    public ReloadingPemSource(IReadOnlyList<string> paths, Func<T> load, TimeSpan interval, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(logger);
        _paths = [.. paths];
        _load = load;
        _logger = logger;
        _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _stamps = Stamps();
        _current = load();
        _nextCheck = Stopwatch.GetTimestamp() + _intervalTicks;
    }

    /// <summary>The latest successfully loaded value, after a (throttled) check for changed files.</summary>
    public T Current
    {
        get
        {
            RefreshIfDue();
            return Volatile.Read(ref _current);
        }
    }

    /// <summary>Checks the files now, whatever the interval.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            var stamps = Stamps();
            if (stamps.SequenceEqual(_stamps))
            {
                return;
            }

            var paths = string.Join(", ", _paths);
            try
            {
                Volatile.Write(ref _current, _load());
                _stamps = stamps;
                TlsLog.Reloaded(_logger, paths);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException
                or CryptographicException or ArgumentException or InvalidDataException)
            {
                TlsLog.ReloadFailed(_logger, paths, ex);
            }
        }
    }

    private void RefreshIfDue()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck))
        {
            return;
        }

        Volatile.Write(ref _nextCheck, now + _intervalTicks);
        Refresh();
    }

    private DateTime[] Stamps() => [.. _paths.Select(File.GetLastWriteTimeUtc)];
}
