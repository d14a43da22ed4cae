using System.CommandLine;
using AuthzService.Contracts;
using AuthzService.Contracts.V1;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl plan</c>: which resources of a kind may the principal act on (a query plan)?</summary>
internal static class PlanCommand
{
    public const string Description = """
        Show the query plan for one resource kind (AuthorizationService/PlanResources): ALWAYS_ALLOWED,
        ALWAYS_DENIED, or CONDITIONAL with the condition a list query must apply.
        Exit code 0 unless the plan is ALWAYS_DENIED (1); 2 on error.
        With --output json, prints the PlanResourcesResponse in protobuf JSON with proto field names.

        Examples:
          authzctl plan --tenant acme --principal bob --kind document --action delete
          authzctl plan -t acme -p carol --team blue --kind project --action read --attr tenant_id=acme -o json
        """;

    public static Command Create(CommandRunner runner)
    {
        var principal = new PrincipalOptions();
        var kind = new Option<string?>("--kind", "-k") { Description = "Resource kind to plan for (required), e.g. document" };
        var action = new Option<string[]>("--action", "-a") { Description = "Action(s) to plan (repeatable or comma-separated; several = all of them)" };
        var attr = new Option<string[]>("--attr") { Description = "Resource attribute known up front, key=value or key:=json (repeatable)" };
        var version = new Option<string?>("--policy-version") { Description = "Policy version (default: default)" };
        var command = new Command("plan", Description);
        principal.AddTo(command);
        command.Options.Add(kind);
        command.Options.Add(action);
        command.Options.Add(attr);
        command.Options.Add(version);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var request = new PlanResourcesRequest { RequestId = $"authzctl-{Guid.NewGuid():N}", IncludeMeta = true };
            principal.Apply(ctx, t => request.TenantId = t, p => request.PrincipalId = p, t => request.TeamId = t, request.PrincipalContext);
            request.Resource = new PlanResource { Kind = ctx.Get(kind) ?? string.Empty, PolicyVersion = ctx.Get(version) ?? string.Empty };
            ProtoValues.CopyTo(KeyValueParser.Parse(ctx.Get(attr), "--attr"), request.Resource.Attr);
            request.Actions.AddRange(KeyValueParser.SplitList(ctx.Get(action)));
            PrincipalOptions.Require(request.TenantId, "--tenant");
            PrincipalOptions.Require(request.PrincipalId, "--principal");
            PrincipalOptions.Require(request.Resource.Kind, "--kind");
            if (request.Actions.Count == 0)
            {
                throw new UsageException("--action is required.");
            }

            var response = await ctx.Client.PlanResourcesAsync(request, cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                Write(ctx, request, response);
            }

            return response.Filter?.Kind == PlanFilter.Types.Kind.AlwaysDenied ? CtlExitCodes.Denied : CtlExitCodes.Ok;
        });
        return command;
    }

    private static void Write(CommandContext ctx, PlanResourcesRequest request, PlanResourcesResponse response)
    {
        var w = ctx.Out;
        var filterKind = response.Filter?.Kind ?? PlanFilter.Types.Kind.Unspecified;
        var label = filterKind switch
        {
            PlanFilter.Types.Kind.AlwaysAllowed => ctx.Ansi.Green("ALWAYS_ALLOWED"),
            PlanFilter.Types.Kind.AlwaysDenied => ctx.Ansi.Red("ALWAYS_DENIED"),
            PlanFilter.Types.Kind.Conditional => ctx.Ansi.Yellow("CONDITIONAL"),
            _ => ctx.Ansi.Red("UNSPECIFIED (treat as denied)"),
        };
        w.WriteLine($"{request.Resource.Kind} [{string.Join(", ", request.Actions)}] for {request.PrincipalId} in {request.TenantId}: {label}");
        if (filterKind == PlanFilter.Types.Kind.Conditional)
        {
            w.WriteLine($"  condition:   {ProtoText.Condition(response.Filter!.Condition)}");
        }

        if (response.Meta is { } meta)
        {
            // Cerbos's own rendering, when it says something the condition line does not.
            if (meta.FilterDebug.Length > 0 && meta.FilterDebug != ProtoText.Condition(response.Filter?.Condition))
            {
                w.WriteLine($"  cerbos:      {meta.FilterDebug}");
            }

            w.WriteLine($"  scope:       {(meta.Scope.Length == 0 ? "(root)" : meta.Scope)}");
            if (meta.DenyReason != DenyReason.Unspecified)
            {
                w.WriteLine($"  denied by AuthzService: {ProtoText.DenyReason(meta.DenyReason)}");
            }
        }

        foreach (var error in response.ValidationErrors)
        {
            w.WriteLine($"  schema:      {error.Source} {error.Path}: {error.Message}");
        }
    }
}
