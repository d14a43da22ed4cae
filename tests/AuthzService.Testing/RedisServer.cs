using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AuthzService.Testing;

/// <summary>
/// A real Redis (Debian <c>redis-server</c>) as a local process on a free loopback port, no automatic persistence.
/// <see cref="KillAsync"/> (SIGKILL, an outage), <see cref="SaveAsync"/> (a snapshot) and <see cref="StartAsync"/>
/// (same port, empty or from the snapshot) for outage and restart tests.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("authz-redis-");
    private Process? _process;
    private ProcessOutput _output = new();

    private RedisServer() => Port = FreePort.Next();

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The redis-server process, for signals (<see cref="ProcessSignals"/>).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("redis-server is not running");

    public string Log => _output.ToString();

    public static string Binary =>
        Environment.GetEnvironmentVariable("AUTHZ_REDIS_SERVER") is { Length: > 0 } path ? path : "/usr/bin/redis-server";

    public static async Task<RedisServer> StartNewAsync(CancellationToken cancellationToken = default)
    {
        var server = new RedisServer();
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

    /// <summary>
    /// (Re)starts Redis on the same port and waits until it answers PING. It starts empty, unless <see cref="SaveAsync"/>
    /// left a snapshot in its directory: then it starts with that data, as a restarted or failed-over Redis would.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(RepoPaths.Require(Binary, "redis-server (apt-get install redis-server)"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory.Path,
        };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory.Path })
        {
            start.ArgumentList.Add(arg);
        }

        _output = new ProcessOutput();
        var process = new Process { StartInfo = start };
        _output.Attach(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!await PingAsync(timeout.Token))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("redis-server exited at start:\n" + Log);
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>SAVE: a snapshot of the data set in the server's directory, loaded by the next <see cref="StartAsync"/>.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("SAVE\r\n"u8.ToArray(), cancellationToken);
        if (!reply.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-server refused SAVE: {reply}\n{Log}");
        }
    }

    /// <summary>SIGKILL: the server vanishes mid-run, connections drop without goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>True when the server answers PING with PONG.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await CommandAsync("PING\r\n"u8.ToArray(), cancellationToken)).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Sends one inline command and returns the first reply bytes as text.</summary>
    private async Task<string> CommandAsync(byte[] command, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(command, cancellationToken);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _directory.Dispose();
    }
}
