using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using AuthzService.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Runtime;

/// <summary>
/// Issue 7's runtime posture: the published service runs as an unprivileged user on a read-only root
/// filesystem with only a tmpfs /tmp writable (bubblewrap), and still decides.
/// </summary>
/// <remarks>
/// As root we first drop to uid/gid 10001 with setpriv, then let bwrap create an unprivileged user
/// namespace (it maps 10001 to itself), so the process is unprivileged both inside and outside the
/// sandbox. bwrap run directly by root with <c>--uid 10001</c> would only look unprivileged inside: the
/// host would still see uid 0. Not as root, bwrap runs directly (the caller's uid is already unprivileged).
/// </remarks>
[TestClass]
public sealed class ReadOnlyRuntimeTests
{
    private const string Bwrap = "/usr/bin/bwrap";
    private const int SandboxUid = 10001;
    private const string AppDir = "/tmp/app";
    private const string CertDir = "/tmp/certs";

    private static TempDirectory? s_publish;
    private static TempDirectory? s_certs;
    private static CerbosServer s_cerbos = null!;

    public TestContext TestContext { get; set; } = null!;

    private static bool IsRoot => Environment.UserName == "root";

    [ClassInitialize]
    public static async Task PublishAsync(TestContext context)
    {
        // bwrap is Linux-only, so everything below is too.
        if (!OperatingSystem.IsLinux() || !File.Exists(Bwrap))
        {
            return;
        }

        s_cerbos = await CerbosServerFixture.GetSharedAsync();
        s_publish = new TempDirectory("authz-publish-");
        var (exit, output) = await RunAsync(
            "dotnet", ["publish", Path.Combine(RepoPaths.Root, "src", "AuthzService.Api"), "-c", "Release", "-o", s_publish.Path, "--nologo"],
            TimeSpan.FromMinutes(10), context.CancellationToken);
        Assert.AreEqual(0, exit, "dotnet publish failed:\n" + output);

        // The sandbox user must read what root wrote: certificates copied into a world-readable folder.
        s_certs = new TempDirectory("authz-certs-");
        foreach (var (source, name) in new[] { (s_cerbos.CaCertPath, "ca.pem"), (s_cerbos.ClientCertPath, "client.pem"), (s_cerbos.ClientKeyPath, "client-key.pem") })
        {
            File.Copy(source, Path.Combine(s_certs.Path, name));
        }

        MakeWorldReadable(s_publish.Path);
        MakeWorldReadable(s_certs.Path);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        s_publish?.Dispose();
        s_certs?.Dispose();
    }

    [TestMethod]
    public async Task PublishedService_ReadOnlyRootUnprivilegedUser_DecidesAllow()
    {
        RequireBwrap();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync("runtime_ro", TestContext.CancellationToken);
        await using var redis = await RedisServer.StartNewAsync(TestContext.CancellationToken);
        var port = FreePort.Next();
        var start = SandboxStart(["dotnet", AppDir + "/AuthzService.Api.dll"]);
        start.Environment["ConnectionStrings__Postgres"] = database;
        start.Environment["Database__AutoMigrate"] = "true";
        start.Environment["Cerbos__Address"] = s_cerbos.GrpcAddress.ToString();
        start.Environment["Cerbos__Tls__CaCertificate"] = CertDir + "/ca.pem";
        start.Environment["Cerbos__Tls__ClientCertificate"] = CertDir + "/client.pem";
        start.Environment["Cerbos__Tls__ClientKey"] = CertDir + "/client-key.pem";
        // Production with L2, as the chart runs it: Redis needs the L2 signing key (issue 11.5).
        start.Environment["ConnectionStrings__Redis"] = redis.ConnectionString;
        start.Environment["Cache__SigningKey"] = ServiceInstanceOptions.CacheSigningKey;
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        // Plaintext h2c on loopback must be asked for explicitly (production listens with TLS and caller mTLS).
        start.Environment["Auth__AllowPlaintext"] = "true";
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var output = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? string.Empty);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
            await ServingProbe.WaitForServingAsync(channel, TimeSpan.FromSeconds(60), () => string.Join('\n', output), () => process.HasExited ? process.ExitCode : null);
            var hostUid = HostUidOf(process.Id, "AuthzService.Api.dll");

            await CallAsync(channel, MembershipServiceName, "UpsertTenant", new UpsertTenantRequest { Tenant = new Tenant { Id = "acme", Tier = "pro" } }, UpsertTenantResponse.Parser);
            await CallAsync(channel, MembershipServiceName, "UpsertMembership", new UpsertMembershipRequest { Membership = Membership("acme", "alice", "", "org_admin") }, UpsertMembershipResponse.Parser);
            var response = await CallAsync(channel, AuthorizationServiceName, "CheckResources", Check("acme", "alice", "project", "read", "delete"), CheckResourcesResponse.Parser);

            Assert.AreEqual(Effect.Allow, response.Results[0].Actions["read"], string.Join('\n', output));
            Assert.AreEqual(Effect.Allow, response.Results[0].Actions["delete"]);
            Assert.IsNotNull(hostUid, "the service process was not found under bwrap");
            Assert.AreNotEqual(0, hostUid.Value, "the service runs as root on the host");
            if (IsRoot)
            {
                Assert.AreEqual(SandboxUid, hostUid.Value);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    [TestMethod]
    public async Task Sandbox_SameFlags_UnprivilegedAndOnlyTmpWritable()
    {
        RequireBwrap();
        var script = "id -u; "
            + "if touch /usr/x 2>/dev/null; then echo usr-writable; else echo usr-readonly; fi; "
            + "if touch " + AppDir + "/x 2>/dev/null; then echo app-writable; else echo app-readonly; fi; "
            + "if touch /x 2>/dev/null; then echo root-writable; else echo root-readonly; fi; "
            + "if touch /tmp/x; then echo tmp-writable; fi";
        var start = SandboxStart(["sh", "-c", script]);

        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        await process.WaitForExitAsync(TestContext.CancellationToken);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(0, process.ExitCode, stderr);
        CollectionAssert.AreEqual(
            new[] { SandboxUid.ToString(CultureInfo.InvariantCulture), "usr-readonly", "app-readonly", "root-readonly", "tmp-writable" }, lines, stdout + stderr);
    }

    private static void RequireBwrap()
    {
        if (!File.Exists(Bwrap))
        {
            Assert.Inconclusive(Bwrap + " is not installed (CI installs bubblewrap).");
        }
    }

    /// <summary>The sandbox: read-only host root, private /dev and /proc, a tmpfs /tmp, the app and certificates bound read-only.</summary>
    private static ProcessStartInfo SandboxStart(IReadOnlyList<string> command)
    {
        var uid = SandboxUid.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(IsRoot ? "setpriv" : Bwrap)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (IsRoot)
        {
            foreach (var arg in new[] { "--reuid", uid, "--regid", uid, "--clear-groups", "--", Bwrap })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in new[]
        {
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
            "--ro-bind", s_publish!.Path, AppDir,
            "--ro-bind", s_certs!.Path, CertDir,
            "--unshare-user", "--uid", uid, "--gid", uid,
            "--unshare-pid",
            "--die-with-parent",
            "--chdir", "/tmp",
            "--",
        })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = "/tmp";
        start.Environment["TMPDIR"] = "/tmp";
        return start;
    }

    /// <summary>The host's view of the real uid of the descendant of <paramref name="rootPid"/> running <paramref name="marker"/>.</summary>
    private static int? HostUidOf(int rootPid, string marker)
    {
        var pending = new Queue<int>([rootPid]);
        while (pending.TryDequeue(out var pid))
        {
            var cmdline = ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ');
            if (pid != rootPid && cmdline.Contains(marker, StringComparison.Ordinal))
            {
                var uidLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                return int.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }

            foreach (var task in System.IO.Directory.Exists($"/proc/{pid}/task") ? System.IO.Directory.GetDirectories($"/proc/{pid}/task") : [])
            {
                foreach (var child in ReadOrEmpty(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    pending.Enqueue(int.Parse(child, CultureInfo.InvariantCulture));
                }
            }
        }

        return null;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static Task<TResponse> CallAsync<TRequest, TResponse>(GrpcChannel channel, string service, string method, TRequest request, Google.Protobuf.MessageParser<TResponse> parser)
        where TRequest : class, Google.Protobuf.IMessage
        where TResponse : class, Google.Protobuf.IMessage<TResponse> =>
        channel.CallUnaryAsync($"/{service}/{method}", request, parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(10)));

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void MakeWorldReadable(string root)
    {
        const UnixFileMode Dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(root, Dir);
        foreach (var dir in System.IO.Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(dir, Dir);
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, FileMode);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
