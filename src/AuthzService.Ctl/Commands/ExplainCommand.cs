using System.CommandLine;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl explain</c>: a check with meta, rendered so an operator sees why.</summary>
internal static class ExplainCommand
{
    public const string Description = """
        Explain a decision: the principal as AuthzService built it (roles, attributes, scope, versions),
        and per resource where the answer came from (Cerbos or a cache) and which policy decided each action.
        Takes the same inputs as 'check'. Exit code 0 when every action is allowed, 1 when any is denied, 2 on error.
        With --output json, prints the CheckResourcesResponse (include_meta) in protobuf JSON with proto field names.

        Examples:
          authzctl explain --tenant acme --principal bob --resource document:doc-1 --attr tenant_id=acme --attr owner_id=bob --action delete
          authzctl explain -t globex -p alice -r document:doc-9 --attr tenant_id=globex --attr owner_id=dave -a read,delete --fresh
          authzctl explain -t acme -p alice -r document:doc-1 --attr tenant_id=globex -a read -o json
        """;

    public static Command Create(CommandRunner runner)
    {
        var input = new CheckInputOptions();
        var command = new Command("explain", Description);
        input.AddTo(command);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var request = await input.BuildAsync(ctx, cancellationToken);
            request.IncludeMeta = true;
            var response = await ctx.Client.CheckResourcesAsync(request, cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                ExplainRenderer.Write(ctx.Out, ctx.Ansi, request, response);
            }

            return CheckCommand.AllAllowed(request, response) ? CtlExitCodes.Ok : CtlExitCodes.Denied;
        });
        return command;
    }
}
