using System.CommandLine;
using System.CommandLine.Invocation;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Commands;

namespace AuthzService.Ctl;

/// <summary>Builds the authzctl command tree and runs it against a <see cref="CtlConsole"/>.</summary>
internal static class CtlApp
{
    public const string Description = """
        authzctl: ask AuthzService questions and manage its directory and cache.

        Connection: --address/AUTHZ_ADDRESS (default http://127.0.0.1:50051), and for TLS --ca/AUTHZ_CA,
        --cert/AUTHZ_CERT, --key/AUTHZ_KEY with an https:// address. Output: --output table|json.
        Exit codes: 0 allowed/ok, 1 denied (or not serving), 2 error (including usage errors).

        Examples:
          authzctl check --tenant acme --principal alice --resource document:doc-1 --attr tenant_id=acme --attr owner_id=bob --action read --action delete
          authzctl explain --tenant acme --principal bob --resource document:doc-1 --attr tenant_id=acme --attr owner_id=bob --action delete
          authzctl tenants list
          authzctl health --address https://authz:50051 --ca ca.crt --cert client.crt --key client.key
        """;

    public static RootCommand BuildRootCommand(CtlConsole console)
    {
        var common = new CommonOptions();
        var runner = new CommandRunner(common, console);
        var root = new RootCommand(Description);
        common.AddTo(root);
        root.Subcommands.Add(CheckCommand.Create(runner));
        root.Subcommands.Add(PlanCommand.Create(runner));
        root.Subcommands.Add(ExplainCommand.Create(runner));
        root.Subcommands.Add(TenantsCommand.Create(runner));
        root.Subcommands.Add(MembershipsCommand.Create(runner));
        root.Subcommands.Add(InvalidateCommand.Create(runner));
        root.Subcommands.Add(HealthCommand.Create(runner));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CtlConsole console, CancellationToken cancellationToken = default)
    {
        var root = BuildRootCommand(console);
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        if (parse.Action is ParseErrorAction)
        {
            // The parser's own error action exits with 1, which scripts would read as "denied".
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await console.Error.WriteLineAsync($"See '{CommandRunner.CommandPath(parse.CommandResult.Command)} --help'.");
            return CtlExitCodes.Error;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }
}
