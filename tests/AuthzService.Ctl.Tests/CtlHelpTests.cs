using System.CommandLine;
using AuthzService.Testing;

namespace AuthzService.Ctl.Tests;

/// <summary>Every command and subcommand has --help with examples; usage errors exit 2. No service needed.</summary>
[TestClass]
public sealed class CtlHelpTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    public static IEnumerable<object[]> CommandPaths()
    {
        var root = CtlApp.BuildRootCommand(new CtlConsole(TextWriter.Null, TextWriter.Null, _ => null, false));
        var paths = new List<object[]> { new object[] { string.Empty } };
        void Walk(Command command, string prefix)
        {
            foreach (var sub in command.Subcommands)
            {
                var path = (prefix + " " + sub.Name).Trim();
                paths.Add([path]);
                Walk(sub, path);
            }
        }

        Walk(root, string.Empty);
        return paths;
    }

    [TestMethod]
    public void CommandTree_HasEveryDocumentedCommand()
    {
        var paths = CommandPaths().Select(p => (string)p[0]).ToArray();

        CollectionAssert.AreEquivalent(
            new[]
            {
                "", "check", "plan", "explain", "tenants", "tenants list", "tenants get", "tenants upsert", "tenants delete",
                "memberships", "memberships list", "memberships upsert", "memberships delete", "invalidate", "health",
            },
            paths);
    }

    [TestMethod]
    [DynamicData(nameof(CommandPaths))]
    public async Task Help_EveryCommand_ShowsUsageAndAnExampleOfThatCommand(string path)
    {
        var args = path.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("--help").ToArray();

        var run = await CtlRun.RunAsync(NoEnvironment, args);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Out, "Usage:");
        StringAssert.Contains(run.Out, "Examples:");
        StringAssert.Contains(run.Out, ("authzctl " + path).TrimEnd() + " ", "an example of this very command");
        StringAssert.Contains(run.Out, "--output");
    }

    [TestMethod]
    [DataRow(new string[0], "Required command was not provided")]
    [DataRow(new[] { "tenants" }, "Required command was not provided")]
    [DataRow(new[] { "check", "--bogus" }, "--bogus")]
    [DataRow(new[] { "check", "-o", "yaml" }, "yaml")]
    [DataRow(new[] { "check", "--tenant", "acme" }, "--principal is required")]
    [DataRow(new[] { "check", "-t", "acme", "-p", "alice", "-r", "document" }, "must be kind:id")]
    [DataRow(new[] { "check", "-t", "acme", "-p", "alice", "-r", "document:d" }, "--action is required")]
    [DataRow(new[] { "check", "-t", "a", "-p", "b", "-r", "d:1", "-a", "read", "--timeout", "soon" }, "--timeout 'soon'")]
    [DataRow(new[] { "health", "--address", "ftp://x" }, "--address 'ftp://x'")]
    [DataRow(new[] { "memberships", "upsert", "-t", "acme", "--role", "viewer" }, "--principal")]
    [DataRow(new[] { "tenants", "upsert", "x", "--status", "paused" }, "paused")]
    [DataRow(new[] { "invalidate" }, "exactly one of")]
    [DataRow(new[] { "invalidate", "--tenant", "acme", "--policies" }, "exactly one of")]
    [DataRow(new[] { "invalidate", "--principal", "bob" }, "TENANT/PRINCIPAL")]
    public async Task UsageError_ExitCode2WithMessage(string[] args, string expected)
    {
        var run = await CtlRun.RunAsync(NoEnvironment, args);

        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, expected, run.ToString());
        Assert.AreEqual(string.Empty, run.Out);
    }

    [TestMethod]
    public async Task ServiceDown_ExitCode2Unavailable()
    {
        var environment = new Dictionary<string, string?> { ["AUTHZ_ADDRESS"] = $"http://127.0.0.1:{Testing.FreePort.Next()}" };

        var run = await CtlRun.RunAsync(environment, "health");

        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "UNAVAILABLE");
    }
}
