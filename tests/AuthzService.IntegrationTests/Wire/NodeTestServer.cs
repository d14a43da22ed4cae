using System.Diagnostics;
using System.Text;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// tests/interop/node/test_server.js: grpc.testing.TestService on @grpc/grpc-js, an implementation
/// independent of ours. Started as a child process; ready once it prints its ports.
/// </summary>
internal sealed class NodeTestServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private NodeTestServer(Process process, StringBuilder stderr, int port, int? tlsPort)
    {
        _process = process;
        _stderr = stderr;
        Port = port;
        TlsPort = tlsPort;
    }

    public int Port { get; }

    public int? TlsPort { get; }

    public static async Task<NodeTestServer> StartAsync(string? tlsCertPath = null, string? tlsKeyPath = null)
    {
        var script = RepoPaths.Require(Path.Combine(RepoPaths.Root, "tests", "interop", "node", "test_server.js"), "Node test server");
        var protos = InteropClient.ProtosDirectory;
        RepoPaths.Require(Path.Combine(RepoPaths.NodeModules, "@grpc", "grpc-js"), "@grpc/grpc-js");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--protos");
        start.ArgumentList.Add(protos);
        if (tlsCertPath is not null && tlsKeyPath is not null)
        {
            start.ArgumentList.Add("--tls-cert");
            start.ArgumentList.Add(tlsCertPath);
            start.ArgumentList.Add("--tls-key");
            start.ArgumentList.Add(tlsKeyPath);
        }

        start.Environment["NODE_PATH"] = RepoPaths.NodeModules;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(s_startTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    var ports = line["LISTENING ".Length..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
                    return new NodeTestServer(process, stderr, ports["h2c"], ports.TryGetValue("tls", out var tls) ? tls : null);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        var server = new NodeTestServer(process, stderr, 0, null);
        await server.DisposeAsync();
        throw new InvalidOperationException($"The Node test server did not report its ports. stderr: {server.Stderr}");
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin asks the server to exit; kill it if it does not.
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
