using System.CommandLine;
using System.Text.Json.Nodes;
using AuthzService.Contracts.V1;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl check</c>: may this principal do these actions on these resources?</summary>
internal static class CheckCommand
{
    public const string Description = """
        Decide actions on resources for a principal acting in a tenant (AuthorizationService/CheckResources).
        Exit code 0 when every action is allowed, 1 when any is denied, 2 on error.

        Examples:
          authzctl check --tenant acme --principal alice --resource document:doc-1 --attr tenant_id=acme --attr owner_id=bob --action read --action delete
          authzctl check -t acme -p bob --team red -r project:p-1 --attr tenant_id=acme --attr owner_id=carol --attr team_id=red -a read,update
          authzctl check -t acme -p alice -r billing_account:b-1 --attr tenant_id=acme --attr owner_id=alice -a update --context mfa=true -o json
          authzctl check --request request.json
        """;

    public static Command Create(CommandRunner runner)
    {
        var input = new CheckInputOptions();
        var meta = new Option<bool>("--meta") { Description = "Also show how each decision was made (see 'authzctl explain')" };
        var command = new Command("check", Description);
        input.AddTo(command);
        command.Options.Add(meta);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var request = await input.BuildAsync(ctx, cancellationToken);
            request.IncludeMeta = ctx.Get(meta);
            var response = await ctx.Client.CheckResourcesAsync(request, cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, ToJson(request, response));
            }
            else
            {
                WriteTable(ctx, request, response);
                if (response.Meta is not null)
                {
                    ctx.Out.WriteLine();
                    ExplainRenderer.Write(ctx.Out, ctx.Ansi, request, response);
                }
            }

            return AllAllowed(request, response) ? CtlExitCodes.Ok : CtlExitCodes.Denied;
        });
        return command;
    }

    /// <summary>Allowed only when every requested action of every resource came back ALLOW.</summary>
    public static bool AllAllowed(CheckResourcesRequest request, CheckResourcesResponse response) =>
        response.Results.Count == request.Resources.Count
        && request.Resources.Zip(response.Results).All(p =>
            p.First.Actions.All(a => p.Second.Actions.TryGetValue(a, out var effect) && effect == Effect.Allow));

    private static void WriteTable(CommandContext ctx, CheckResourcesRequest request, CheckResourcesResponse response)
    {
        var table = new TableWriter("RESOURCE", "ACTION", "EFFECT", "REASON");
        foreach (var (entry, result) in request.Resources.Zip(response.Results))
        {
            var name = $"{result.Resource?.Kind}:{result.Resource?.Id}";
            // Rows in the order the actions were asked, not the map's order, so output is stable.
            foreach (var action in entry.Actions.Distinct())
            {
                var effect = result.Actions.TryGetValue(action, out var e) ? e : Effect.Unspecified;
                table.AddRow(name, action, ProtoText.Effect(effect, ctx.Ansi), ProtoText.DenyReason(result.DenyReason));
            }
        }

        table.WriteTo(ctx.Out);
    }

    /// <summary>The stable JSON shape: <c>{ request_id, allowed, results: [{ kind, id, actions: { read: "EFFECT_ALLOW" }, deny_reason }], meta? }</c>.</summary>
    private static JsonObject ToJson(CheckResourcesRequest request, CheckResourcesResponse response)
    {
        var results = new JsonArray();
        foreach (var result in response.Results)
        {
            var node = JsonOutput.ToNode(result).AsObject();
            var flat = new JsonObject
            {
                ["kind"] = result.Resource?.Kind ?? string.Empty,
                ["id"] = result.Resource?.Id ?? string.Empty,
                ["allowed"] = result.Actions.Count > 0 && result.Actions.Values.All(e => e == Effect.Allow),
                ["actions"] = node["actions"]?.DeepClone(),
                ["deny_reason"] = node["deny_reason"]?.DeepClone(),
                ["validation_errors"] = node["validation_errors"]?.DeepClone(),
            };
            if (result.Meta is not null)
            {
                flat["meta"] = node["meta"]?.DeepClone();
            }

            results.Add(flat);
        }

        var root = new JsonObject
        {
            ["request_id"] = response.RequestId,
            ["allowed"] = AllAllowed(request, response),
            ["results"] = results,
        };
        if (response.Meta is not null)
        {
            root["meta"] = JsonOutput.ToNode(response.Meta);
        }

        return root;
    }
}
