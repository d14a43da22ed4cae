using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace AuthzService.Testing;

/// <summary>
/// The real Cerbos PDP as a local process: mTLS-capable (server certificate from a throwaway CA,
/// <c>caCert</c> set so Cerbos verifies a client certificate when one is presented), gRPC and HTTP on
/// free loopback ports, policies from disk. <see cref="StopAsync"/> / <see cref="StartAsync"/> restart it on
/// the same ports for outage tests.
/// </summary>
public sealed class CerbosServer : IAsyncDisposable, IDisposable
{
    private readonly TempDirectory _directory = new("authz-cerbos-");
    private readonly CerbosServerOptions _options;
    private readonly string _configPath;
    private readonly int _grpcPort;
    private readonly int _httpPort;
    private Process? _process;
    private ProcessOutput _output = new();

    private CerbosServer(CerbosServerOptions options)
    {
        _options = options;
        _grpcPort = FreePort.Next();
        _httpPort = FreePort.Next();
        Certificates = new TestCertificates("Cerbos Test CA");
        CaCertPath = Certificates.WriteCaPem(_directory.Path);
        var server = options.ServerCertificate switch
        {
            CerbosServerCertificate.Expired => Certificates.IssueServer(
                ["localhost"], DateTimeOffset.UtcNow.AddHours(-20), DateTimeOffset.UtcNow.AddHours(-1)),
            CerbosServerCertificate.WrongHostName => Certificates.IssueServer(["other.example"]),
            _ => Certificates.IssueServer(["localhost"]),
        };
        var (serverCert, serverKey) = TestCertificates.WritePem(server, _directory.Path, "server");
        server.Dispose();
        ClientCertificate = Certificates.IssueClient("authz-service");
        (ClientCertPath, ClientKeyPath) = TestCertificates.WritePem(ClientCertificate, _directory.Path, "client");
        _configPath = Path.Combine(_directory.Path, "config.yaml");
        File.WriteAllText(_configPath, Config(serverCert, serverKey, options.PolicyDirectory ?? RepoPaths.Policies));
    }

    /// <summary>gRPC endpoint, <c>https://127.0.0.1:port</c>.</summary>
    public Uri GrpcAddress => GrpcAddressFor("127.0.0.1");

    /// <summary>HTTP endpoint (health, REST API), <c>https://127.0.0.1:port</c>.</summary>
    public Uri HttpAddress => new($"https://127.0.0.1:{_httpPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The policy directory Cerbos loads from disk; null when it clones a git repository.</summary>
    public string? PolicyDirectory => _options.GitRepository is null ? _options.PolicyDirectory ?? RepoPaths.Policies : null;

    public string CaCertPath { get; }

    public string ClientCertPath { get; }

    public string ClientKeyPath { get; }

    /// <summary>The CA that issued the server and client certificates.</summary>
    public TestCertificates Certificates { get; }

    /// <summary>A client certificate (with key) issued by <see cref="Certificates"/>; the same as the PEM files.</summary>
    public X509Certificate2 ClientCertificate { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The cerbos process, for signals (<see cref="ProcessSignals"/>).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("cerbos is not running");

    /// <summary>What Cerbos printed since it was last started.</summary>
    public string Log => _output.ToString();

    /// <summary>Starts Cerbos and waits until its health endpoint answers.</summary>
    public static async Task<CerbosServer> StartNewAsync(CerbosServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new CerbosServer(options ?? new CerbosServerOptions());
        try
        {
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>gRPC endpoint addressed by a host name, e.g. <c>localhost</c>, to exercise host name checks.</summary>
    public Uri GrpcAddressFor(string host) => new($"https://{host}:{_grpcPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>(Re)starts Cerbos on the same ports and waits for health.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var binary = RepoPaths.Require(RepoPaths.CerbosBinary, "Cerbos binary");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory.Path,
        };
        start.ArgumentList.Add("server");
        start.ArgumentList.Add("--config=" + _configPath);
        _output = new ProcessOutput();
        var process = new Process { StartInfo = start };
        _output.Attach(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitForHealthAsync(process, cancellationToken);
    }

    /// <summary>Stops Cerbos gracefully (SIGTERM, it takes about a second) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            await SendSigTermAsync(process.Id);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        ClientCertificate.Dispose();
        Certificates.Dispose();
        _directory.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WaitForHealthAsync(Process process, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.ClientCertificates = [ClientCertificate];
        // Liveness only: the expired / wrong-host variants must come up too, so the fixture trusts its own server.
#pragma warning disable CA5359
        handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var health = new Uri(HttpAddress, "/_cerbos/health");
        var deadline = Stopwatch.StartNew();
        string? lastError = null;
        while (deadline.Elapsed < _options.StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Cerbos exited with code {process.ExitCode} during start-up. Log:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastError = "HTTP " + (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                lastError = ex.Message;
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException(
            $"Cerbos did not become healthy at {health} within {_options.StartTimeout} ({lastError}). Log:\n{Log}");
    }

    private string Config(string serverCert, string serverKey, string policies) => $"""
        server:
          httpListenAddr: "127.0.0.1:{_httpPort}"
          grpcListenAddr: "127.0.0.1:{_grpcPort}"
          tls:
            cert: "{serverCert}"
            key: "{serverKey}"
            caCert: "{CaCertPath}"
        {Storage(policies)}
        audit:
          enabled: false
        {AuxDataConfig()}
        """ + "\n" + File.ReadAllText(RepoPaths.Require(RepoPaths.CerbosBaseConfig, "Cerbos base configuration"));

    private string Storage(string policies) => _options.GitRepository is { } git ? $"""
        storage:
          driver: git
          git:
            protocol: {git.Scheme}
            url: "{git}"
            branch: main
            subDir: "{_options.GitSubDirectory}"
            checkoutDir: "{Path.Combine(_directory.Path, "git-checkout")}"
            updatePollInterval: {((long)_options.GitPollInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms
        """ : $"""
        storage:
          driver: disk
          disk:
            directory: "{policies}"
            watchForChanges: {(_options.WatchForChanges ? "true" : "false")}
        """;

    private string AuxDataConfig() => _options.JwksPath is null ? string.Empty : $"""
        auxData:
          jwt:
            keySets:
              - id: test
                local:
                  file: "{_options.JwksPath}"
        """;

    // Process.Kill sends SIGKILL; an outage test wants Cerbos's own graceful shutdown. kill(1) avoids
    // P/Invoke, which would need unsafe code enabled for the whole fixture project.
    private static async Task SendSigTermAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        });
        if (kill is not null)
        {
            await kill.WaitForExitAsync();
        }
    }
}
