using System.Diagnostics;
using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.Testing;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// Issue 11.4: policies that change inside Cerbos (a git pull, a Cerbos deployed elsewhere) never change
/// Cache:PolicyRevision. With Cerbos:PolicyWatch the cache follows what Cerbos serves: an ALLOW cached
/// before Cerbos reloaded a stricter policy stops being served within the documented bound.
/// </summary>
[TestClass]
public sealed class PolicyReloadEndToEndTests
{
    // The watch interval of the test; the documented bound is about two intervals plus Cerbos's own reload.
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);

    [TestMethod]
    public async Task CheckResources_CerbosReloadsAStricterPolicy_CachedAllowStopsBeingServed()
    {
        await using var setup = await ReloadSetup.StartAsync("e2e_policy_reload", cerbos => new Dictionary<string, string?>
        {
            ["Cerbos:PolicyWatch:Address"] = cerbos.HttpAddress.ToString(),
            ["Cerbos:PolicyWatch:Interval"] = s_interval.ToString(),
        });

        // Cached with the full TTL once the watch is confirmed (its first reading).
        var elapsed = await setup.ReloadAndWaitForDenyAsync(waitForFullTtl: true);

        Console.WriteLine($"watch: cached ALLOW replaced by DENY {elapsed.TotalMilliseconds:F0} ms after the policy file changed");

        // Once settled (the watch bumps the epoch again when the store stops moving), answers are cached again
        // under the new epoch, and they are the new policy's: poll until a repeated check is an L1 hit.
        var settling = Stopwatch.StartNew();
        CheckResourcesResponse settled, again;
        do
        {
            await Task.Delay(s_interval / 2);
            settled = await setup.Service.CheckAsync(setup.Check);
            again = await setup.Service.CheckAsync(setup.Check);
        }
        while (again.Results[0].Meta.Source != DecisionSource.CacheL1 && settling.Elapsed < TimeSpan.FromSeconds(30));

        Assert.AreEqual(Effect.Deny, settled.Results[0].Actions["delete"]);
        Assert.AreEqual(DecisionSource.CacheL1, again.Results[0].Meta.Source);
        Assert.AreEqual(Effect.Deny, again.Results[0].Actions["delete"]);
    }

    [TestMethod]
    public async Task CheckResources_CerbosPullsAStricterPolicyFromGit_CachedAllowStopsBeingServed()
    {
        // cerbos.policies.source: git: Cerbos polls the repository itself; nothing tells AuthzService.
        await using var setup = await ReloadSetup.StartAsync("e2e_policy_reload_git", cerbos => new Dictionary<string, string?>
        {
            ["Cerbos:PolicyWatch:Address"] = cerbos.HttpAddress.ToString(),
            ["Cerbos:PolicyWatch:Interval"] = s_interval.ToString(),
        }, git: true);

        var elapsed = await setup.ReloadAndWaitForDenyAsync(waitForFullTtl: true);

        Console.WriteLine($"git: cached ALLOW replaced by DENY {elapsed.TotalMilliseconds:F0} ms after the policy commit (Cerbos polls every 1 s)");
    }

    [TestMethod]
    public async Task CheckResources_PolicyWatchCannotReadCerbos_CachedAllowLivesAtMostTheUnconfirmedTtl()
    {
        // The watch points at a port nobody listens on: it is never confirmed, so the short TTL applies.
        var unconfirmedTtl = TimeSpan.FromSeconds(2);
        await using var setup = await ReloadSetup.StartAsync("e2e_policy_reload_unwatched", _ => new Dictionary<string, string?>
        {
            ["Cerbos:PolicyWatch:Address"] = $"https://127.0.0.1:{FreePort()}",
            ["Cerbos:PolicyWatch:Interval"] = s_interval.ToString(),
            ["Cerbos:PolicyWatch:UnconfirmedTtl"] = unconfirmedTtl.ToString(),
        });

        var elapsed = await setup.ReloadAndWaitForDenyAsync(waitForFullTtl: false);

        Console.WriteLine($"unconfirmed watch: cached ALLOW replaced by DENY {elapsed.TotalMilliseconds:F0} ms after the policy file changed");
        Assert.IsLessThan(TimeSpan.FromSeconds(30), elapsed);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Cerbos watching a copy of the policies, the service with a long TTL and no PolicyRevision change (as with git).</summary>
    private sealed class ReloadSetup : IAsyncDisposable
    {
        private readonly TempDirectory _policies;
        private readonly CerbosServer _cerbos;
        private readonly bool _git;

        private ReloadSetup(TempDirectory policies, bool git, CerbosServer cerbos, AuthzServiceInstance service, CheckResourcesRequest check)
        {
            _policies = policies;
            _git = git;
            _cerbos = cerbos;
            Service = service;
            Check = check;
        }

        public AuthzServiceInstance Service { get; }

        public CheckResourcesRequest Check { get; }

        private string PolicyDirectory => _git ? Path.Combine(_policies.Path, GitSubDirectory) : _policies.Path;

        public static async Task<ReloadSetup> StartAsync(string database, Func<CerbosServer, Dictionary<string, string?>> settings, bool git = false)
        {
            var policies = new TempDirectory("authz-policies-");
            CerbosServer cerbos;
            if (git)
            {
                CopyDirectory(RepoPaths.Policies, Path.Combine(policies.Path, GitSubDirectory));
                await GitAsync(policies.Path, "init", "-q", "-b", "main");
                await GitAsync(policies.Path, "add", "-A");
                await GitAsync(policies.Path, "commit", "-q", "-m", "policies");
                cerbos = await CerbosServer.StartNewAsync(new CerbosServerOptions
                {
                    GitRepository = new Uri("file://" + policies.Path),
                    GitSubDirectory = GitSubDirectory,
                    GitPollInterval = TimeSpan.FromSeconds(1),
                });
            }
            else
            {
                CopyDirectory(RepoPaths.Policies, policies.Path);
                cerbos = await CerbosServer.StartNewAsync(new CerbosServerOptions { PolicyDirectory = policies.Path, WatchForChanges = true });
            }

            var config = settings(cerbos);

            // Long enough that expiry plays no part.
            config["Cache:Ttl"] = "00:10:00";
            var service = await AuthzServiceInstance.StartAsync(await PostgresAssemblyFixture.CreateDatabaseAsync(database), cerbos, config);
            await service.UpsertTenantAsync("globex");
            await service.GrantAsync("globex", "gina", "", "org_admin");
            var check = Check("globex", "gina", Entry(Resource("document", Unique("doc"), "globex"), "read", "delete"));
            check.IncludeMeta = true;
            return new ReloadSetup(policies, git, cerbos, service, check);
        }

        /// <summary>
        /// Until the policy watch has confirmed Cerbos's policy store (a reading after the last change, settled):
        /// from then on decisions are cached with the full TTL again.
        /// </summary>
        public async Task WaitForTrustedWatchAsync()
        {
            var watch = Service.GetRequiredService<PolicyWatchState>();
            var clock = Stopwatch.StartNew();
            while (!watch.Trusted)
            {
                Assert.IsLessThan(TimeSpan.FromSeconds(30), clock.Elapsed, "the policy watch did not confirm Cerbos's policy store within 30 s");
                await Task.Delay(s_interval / 4);
            }
        }

        /// <summary>Caches the ALLOW, changes the policy under Cerbos, and returns how long until DENY was answered.</summary>
        public async Task<TimeSpan> ReloadAndWaitForDenyAsync(bool waitForFullTtl)
        {
            if (waitForFullTtl)
            {
                // The first reading confirms the watch; until then entries get the short TTL.
                await WaitForTrustedWatchAsync();
            }

            var first = await Service.CheckAsync(Check);
            var cached = await Service.CheckAsync(Check);
            Assert.AreEqual(Effect.Allow, first.Results[0].Actions["delete"]);
            Assert.AreEqual(DecisionSource.CacheL1, cached.Results[0].Meta.Source, "the ALLOW must be cached for the test to mean anything");

            // What a git pull does: the policy file changes under Cerbos; admins may no longer delete.
            var document = Path.Combine(PolicyDirectory, "resource_policies", "document.yaml");
            var text = await File.ReadAllTextAsync(document);
            const string Admin = """actions: ["read", "create", "update", "comment", "delete"]""";
            StringAssert.Contains(text, Admin);
            await File.WriteAllTextAsync(document, text.Replace(Admin, """actions: ["read", "create", "update", "comment"]""", StringComparison.Ordinal));
            if (_git)
            {
                await GitAsync(_policies.Path, "commit", "-q", "-a", "-m", "admins may no longer delete");
            }

            var changed = Stopwatch.StartNew();

            CheckResourcesResponse answer;
            do
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
                answer = await Service.CheckAsync(Check);
            }
            while (answer.Results[0].Actions["delete"] == Effect.Allow && changed.Elapsed < TimeSpan.FromSeconds(30));

            var elapsed = changed.Elapsed;
            Assert.AreEqual(Effect.Deny, answer.Results[0].Actions["delete"], "the ALLOW of the replaced policy was still served after 30 s");
            Assert.AreEqual(Effect.Allow, answer.Results[0].Actions["read"]);
            return elapsed;
        }

        private const string GitSubDirectory = "cerbos-policies";

        private static async Task GitAsync(string directory, params string[] args)
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in (string[])["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. args])
            {
                start.ArgumentList.Add(arg);
            }

            using var git = Process.Start(start)!;
            var error = await git.StandardError.ReadToEndAsync();
            await git.WaitForExitAsync();
            Assert.AreEqual(0, git.ExitCode, $"git {string.Join(' ', args)}: {error}");
        }

        public async ValueTask DisposeAsync()
        {
            await Service.DisposeAsync();
            await _cerbos.DisposeAsync();
            _policies.Dispose();
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
