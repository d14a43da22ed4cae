using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AuthzService.Testing;

/// <summary>
/// A real Redis Cluster of three primaries (Debian <c>redis-server --cluster-enabled yes</c>), each a local process on
/// free loopback ports (client and cluster-bus port picked here), joined with <c>redis-cli --cluster create
/// --cluster-replicas 0</c>; ready once every node reports <c>cluster_state:ok</c>. No persistence; stopped and its
/// directory removed on dispose.
/// </summary>
public sealed class RedisClusterServer : IAsyncDisposable
{
    public const int NodeCount = 3;

    private readonly TempDirectory _directory = new("authz-redis-cluster-");
    private readonly List<(Process Process, ProcessOutput Output)> _nodes = [];

    private RedisClusterServer()
    {
    }

    /// <summary>The nodes' client ports.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>A StackExchange.Redis configuration string naming every node (any one would do: the client discovers the rest).</summary>
    public string ConnectionString => string.Join(",", Ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}")));

    public string Log => string.Join("\n", _nodes.Select((n, i) => $"--- node {Ports[i]}\n{n.Output}"));

    public static string CliBinary =>
        Environment.GetEnvironmentVariable("AUTHZ_REDIS_CLI") is { Length: > 0 } path ? path : "/usr/bin/redis-cli";

    public static async Task<RedisClusterServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var cluster = new RedisClusterServer();
        try
        {
            await cluster.StartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = RepoPaths.Require(RedisServer.Binary, "redis-server (apt-get install redis-server)");
        var cli = RepoPaths.Require(CliBinary, "redis-cli (apt-get install redis-tools)");
        var ports = new List<int>();
        for (var i = 0; i < NodeCount; i++)
        {
            var port = FreePort.Next();
            var busPort = FreePort.Next();
            ports.Add(port);
            var directory = Path.Combine(_directory.Path, port.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            var start = new ProcessStartInfo(server)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            foreach (var arg in new[]
            {
                "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-port", busPort.ToString(CultureInfo.InvariantCulture),
                "--cluster-config-file", Path.Combine(directory, "nodes.conf"), "--cluster-node-timeout", "5000",
                "--save", "", "--appendonly", "no", "--dir", directory,
            })
            {
                start.ArgumentList.Add(arg);
            }

            var output = new ProcessOutput();
            var process = new Process { StartInfo = start };
            output.Attach(process);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _nodes.Add((process, output));
        }

        Ports = ports;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        foreach (var port in ports)
        {
            while (!(await TryCommandAsync(port, "PING", timeout.Token)).StartsWith("+PONG", StringComparison.Ordinal))
            {
                ThrowIfAnyExited("at start");
                await Task.Delay(20, timeout.Token);
            }
        }

        var create = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        create.ArgumentList.Add("--cluster");
        create.ArgumentList.Add("create");
        foreach (var port in ports)
        {
            create.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"));
        }

        foreach (var arg in new[] { "--cluster-replicas", "0", "--cluster-yes" })
        {
            create.ArgumentList.Add(arg);
        }

        using (var joining = Process.Start(create)!)
        {
            var stdout = joining.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = joining.StandardError.ReadToEndAsync(timeout.Token);
            await joining.WaitForExitAsync(timeout.Token);
            if (joining.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create exited {joining.ExitCode}:\n{await stdout}\n{await stderr}\n{Log}");
            }
        }

        // Every node must see all slots covered and agree on the node count before a client is pointed at them.
        foreach (var port in ports)
        {
            string info;
            while (!(info = await TryCommandAsync(port, "CLUSTER INFO", timeout.Token)).Contains("cluster_state:ok", StringComparison.Ordinal)
                || !info.Contains(string.Create(CultureInfo.InvariantCulture, $"cluster_known_nodes:{NodeCount}"), StringComparison.Ordinal))
            {
                ThrowIfAnyExited("while joining");
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    private void ThrowIfAnyExited(string when)
    {
        if (_nodes.Any(n => n.Process.HasExited))
        {
            throw new InvalidOperationException($"a redis-server cluster node exited {when}:\n{Log}");
        }
    }

    /// <summary>Sends one inline command; returns its reply as text, or an empty string while the node does not answer.</summary>
    private static async Task<string> TryCommandAsync(int port, string command, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken);
            var buffer = new byte[4096];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (SocketException)
        {
            return string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _nodes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _nodes.Clear();
        _directory.Dispose();
    }
}
