using System.Diagnostics;

namespace AuthzService.Api.Security;

/// <summary>
/// A value loaded from PEM files that follows the files: when any file's modification time changes
/// it is loaded again, at most once per interval and only on use, so the TLS handshake path costs a
/// timestamp comparison. A load that fails (a rotation writes certificate and key one after the
/// other) keeps the previous value and is retried on the next check, so connections never see a
/// half-written pair. Connections already established keep their TLS session: rotation never fails
/// calls in flight.
/// </summary>
internal sealed class ReloadingPemSource<T>
    where T : class
{
    private readonly string[] _paths;
    private readonly Func<T> _load;
    private readonly long _intervalTicks;
    private readonly Action<string, Exception?> _onReload;
    private readonly Lock _gate = new();
    private T _current;
    private DateTime[] _stamps;
    private long _nextCheck;

    /// <param name="onReload">Told about each reload (exception null) and each failed attempt.</param>
    public ReloadingPemSource(IReadOnlyList<string> paths, Func<T> load, TimeSpan interval, Action<string, Exception?> onReload)
    {
        _paths = [.. paths];
        _load = load;
        _onReload = onReload;
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

            try
            {
                Volatile.Write(ref _current, _load());
                _stamps = stamps;
                _onReload(string.Join(", ", _paths), null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException
                or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidDataException)
            {
                _onReload(string.Join(", ", _paths), ex);
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
