using System.Diagnostics;
using AuthzService.Grpc.Client;
using Microsoft.Extensions.Logging;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// Keeps the channel's CA and client-certificate providers in step with the PEM files: when a file's
/// modification time changes, it is read again and the provider updated, so the next new connection
/// uses the rotated material without a restart. Checks at most once per <see cref="CheckInterval"/>,
/// so the hot path costs a timestamp comparison.
/// </summary>
internal sealed class ReloadingTlsMaterial
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly CerbosTlsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private long _nextCheck;
    private DateTime _caStamp;
    private (DateTime Cert, DateTime Key) _clientStamp;

    public ReloadingTlsMaterial(CerbosTlsOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        if (options.CaCertificate is { Length: > 0 } ca)
        {
            _caStamp = File.GetLastWriteTimeUtc(ca);
            TrustedCas = new TrustedCaProvider(PemTlsMaterial.LoadCertificates(ca));
        }

        if (options.ClientCertificate is { Length: > 0 } cert && options.ClientKey is { Length: > 0 } key)
        {
            _clientStamp = (File.GetLastWriteTimeUtc(cert), File.GetLastWriteTimeUtc(key));
            ClientCertificate = new ClientCertificateProvider(PemTlsMaterial.LoadClientCertificate(cert, key));
        }

        _nextCheck = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
    }

    public TrustedCaProvider? TrustedCas { get; }

    public ClientCertificateProvider? ClientCertificate { get; }

    /// <summary>Re-reads files whose modification time changed, if the check interval has passed.</summary>
    public void RefreshIfDue()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck) || !_gate.TryEnter())
        {
            return;
        }

        try
        {
            Volatile.Write(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * Stopwatch.Frequency));
            Refresh();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Re-reads files whose modification time changed, now.</summary>
    public void Refresh()
    {
        if (TrustedCas is not null && _options.CaCertificate is { } ca)
        {
            var stamp = File.GetLastWriteTimeUtc(ca);
            if (stamp != _caStamp && TryLoad(ca, () => TrustedCas.Update(PemTlsMaterial.LoadCertificates(ca))))
            {
                _caStamp = stamp;
            }
        }

        if (ClientCertificate is not null && _options.ClientCertificate is { } cert && _options.ClientKey is { } key)
        {
            var stamp = (File.GetLastWriteTimeUtc(cert), File.GetLastWriteTimeUtc(key));
            if (stamp != _clientStamp
                && TryLoad(cert, () => ClientCertificate.Update(PemTlsMaterial.LoadClientCertificate(cert, key))))
            {
                _clientStamp = stamp;
            }
        }
    }

    // A rotation writes cert and key one after the other; a half-written pair fails to load and is retried
    // on the next check while the previous material stays in use.
    private bool TryLoad(string path, Action load)
    {
        try
        {
            load();
            CerbosLog.TlsMaterialReloaded(_logger, path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException)
        {
            CerbosLog.TlsMaterialReloadFailed(_logger, path, ex);
            return false;
        }
    }
}
