using System.Diagnostics;
using System.Globalization;

namespace AuthzService.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temp directory, started on a free port on 127.0.0.1,
/// stopped and deleted on dispose. Runs the server as the <c>postgres</c> user when we are root,
/// because PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string Superuser = "postgres";
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDirectory;
    private readonly TempDirectory _root;
    private int _disposed;

    private readonly int _maxConnections;

    private PostgresServer(string binDirectory, TempDirectory root, int port, int maxConnections)
    {
        _binDirectory = binDirectory;
        _root = root;
        Port = port;
        _maxConnections = maxConnections;

        // Safety net: if the test host exits without disposing us, do not leave a server running.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root.Path, "data");

    public string LogFile => Path.Combine(_root.Path, "postgres.log");

    /// <summary>True while the server is started (between <see cref="StartAsync(CancellationToken)"/> and <see cref="StopAsync"/>).</summary>
    public bool IsRunning { get; private set; }

    /// <summary>
    /// The postmaster first, then its children (backends, background workers), for signals (<see cref="ProcessSignals"/>):
    /// freezing only the postmaster would leave open connections answering.
    /// </summary>
    public IReadOnlyList<int> ProcessIds()
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        return [postmaster, .. ProcessSignals.ChildrenOf(postmaster)];
    }

    /// <summary>Creates a cluster and starts it.</summary>
    public static Task<PostgresServer> StartNewAsync(CancellationToken cancellationToken = default) =>
        StartNewAsync(maxConnections: 200, cancellationToken);

    /// <summary>Creates a cluster that accepts at most <paramref name="maxConnections"/> connections and starts it.</summary>
    public static async Task<PostgresServer> StartNewAsync(int maxConnections, CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        var root = new TempDirectory("authz-pg-");
        var server = new PostgresServer(binDirectory, root, FreePort.Next(), maxConnections);
        try
        {
            if (RunningAsRoot)
            {
                // The server runs as postgres, so postgres must own the data and socket directory.
                await RunAsync("chown", ["-R", Superuser + ":", root.Path], asPostgres: false, cancellationToken);
            }

            await server.RunToolAsync(
                "initdb", ["-D", server.DataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                asPostgres: true, cancellationToken);
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database = "postgres") =>
        string.Create(CultureInfo.InvariantCulture,
            $"Host={Host};Port={Port};Username={Superuser};Database={database};Timeout=5;Command Timeout=30");

    /// <summary>Creates an empty database (so each test class gets its own) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await RunToolAsync(
            "createdb", ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser, name],
            asPostgres: false, cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Starts the (stopped) server again on the same port and data directory.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var options = string.Create(CultureInfo.InvariantCulture,
            $"-p {Port} -k {_root.Path} -c listen_addresses={Host} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections={_maxConnections}");
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], asPostgres: true, cancellationToken);
        await WaitUntilReadyAsync(cancellationToken);
        IsRunning = true;
    }

    /// <summary>Stops the server (fast shutdown: open connections are terminated), for outage tests.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        IsRunning = false;
        await RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], asPostgres: true, cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        StopImmediately();
        _root.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopImmediately();

    private void StopImmediately()
    {
        try
        {
            RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], asPostgres: true, CancellationToken.None)
                .GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Already stopped (or never started); nothing to clean up.
        }

        IsRunning = false;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_toolTimeout);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                await RunToolAsync("pg_isready", ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", Superuser], false, timeout.Token);
                return;
            }
            catch (InvalidOperationException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(delay, timeout.Token);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
            }
        }
    }

    private Task<string> RunToolAsync(string tool, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_binDirectory, tool), arguments, asPostgres && RunningAsRoot, cancellationToken, LogFile);

    private static bool RunningAsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static async Task<string> RunAsync(
        string fileName, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken, string? logFile = null)
    {
        var startInfo = new ProcessStartInfo(asPostgres ? "runuser" : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", Superuser, "--", fileName })
            {
                startInfo.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_toolTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            var log = logFile is not null && File.Exists(logFile) ? "\n--- server log ---\n" + ReadTail(logFile) : string.Empty;
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}{log}");
        }

        return output;
    }

    private static string ReadTail(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return text.Length > 4000 ? text[^4000..] : text;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// AUTHZ_PG_BIN if set; else the directory of pg_ctl on PATH (following symlinks, since Debian links
    /// /usr/local/bin to /usr/lib/postgresql/N/bin); else the newest /usr/lib/postgresql/*/bin.
    /// </summary>
    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("AUTHZ_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "pg_ctl");
            if (File.Exists(candidate))
            {
                var target = File.ResolveLinkTarget(candidate, returnFinalTarget: true)?.FullName ?? candidate;
                var binDirectory = Path.GetDirectoryName(target)!;
                if (File.Exists(Path.Combine(binDirectory, "initdb")))
                {
                    return binDirectory;
                }
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        var newest = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin; install the Debian 'postgresql' package or set AUTHZ_PG_BIN.");
    }
}
