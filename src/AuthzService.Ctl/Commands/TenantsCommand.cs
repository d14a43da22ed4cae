using System.CommandLine;
using System.Text.Json.Nodes;
using AuthzService.Contracts.V1;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl tenants list|get|upsert|delete</c> (MembershipService tenant RPCs).</summary>
internal static class TenantsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("tenants", """
            List, show, create or change, and delete tenants (MembershipService).

            Examples:
              authzctl tenants list
              authzctl tenants get acme -o json
              authzctl tenants upsert umbrella --display-name "Umbrella Corp" --scope umbrella --tier pro
              authzctl tenants delete umbrella
            """);
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Get(runner));
        command.Subcommands.Add(Upsert(runner));
        command.Subcommands.Add(Delete(runner));
        return command;
    }

    private static Argument<string> TenantId() => new("tenant-id") { Description = "The tenant id" };

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", """
            List every tenant in id order (all pages).
            JSON: { "tenants": [ Tenant, ... ] } with proto field names.

            Examples:
              authzctl tenants list
              authzctl tenants list -o json
            """);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var tenants = new List<Tenant>();
            await foreach (var tenant in ctx.Client.ListAllTenantsAsync(cancellationToken: cancellationToken))
            {
                tenants.Add(tenant);
            }

            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, new JsonObject { ["tenants"] = new JsonArray([.. tenants.Select(JsonOutput.ToNode)]) });
                return CtlExitCodes.Ok;
            }

            var table = new TableWriter("ID", "DISPLAY NAME", "SCOPE", "STATUS", "TIER");
            foreach (var t in tenants)
            {
                table.AddRow(t.Id, t.DisplayName, t.CerbosScope, Status(ctx, t.Status), t.Tier);
            }

            table.WriteTo(ctx.Out);
            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRunner runner)
    {
        var id = TenantId();
        var command = new Command("get", """
            Show one tenant. Exit code 2 when it does not exist.

            Examples:
              authzctl tenants get acme
              authzctl tenants get acme -o json
            """);
        command.Arguments.Add(id);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var tenantId = ctx.Get(id)!;
            var tenant = await ctx.Client.GetTenantAsync(tenantId, cancellationToken);
            if (tenant is null)
            {
                await ctx.Console.Error.WriteLineAsync($"error: tenant '{tenantId}' not found");
                return CtlExitCodes.Error;
            }

            Write(ctx, tenant);
            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static Command Upsert(CommandRunner runner)
    {
        var id = TenantId();
        var displayName = new Option<string?>("--display-name") { Description = "Display name" };
        var scope = new Option<string?>("--scope") { Description = "Cerbos scope for this tenant's scoped policies (empty = base policies only)" };
        var tier = new Option<string?>("--tier") { Description = "Service tier, e.g. free, pro, enterprise (P.attr.tenant_tier)" };
        var status = new Option<string?>("--status") { Description = "active or suspended (every check in a suspended tenant is denied)" };
        status.AcceptOnlyFromAmong("active", "suspended");
        var command = new Command("upsert", """
            Create a tenant, or change an existing one: flags not given keep their current value.

            Examples:
              authzctl tenants upsert umbrella --display-name "Umbrella Corp" --scope umbrella --tier pro
              authzctl tenants upsert umbrella --status suspended
            """);
        command.Arguments.Add(id);
        command.Options.Add(displayName);
        command.Options.Add(scope);
        command.Options.Add(tier);
        command.Options.Add(status);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var tenantId = ctx.Get(id)!;
            // Read-modify-write so "--status suspended" does not wipe the scope and tier.
            var tenant = await ctx.Client.GetTenantAsync(tenantId, cancellationToken) ?? new Tenant { Id = tenantId };
            tenant.DisplayName = ctx.Get(displayName) ?? tenant.DisplayName;
            tenant.CerbosScope = ctx.Get(scope) ?? tenant.CerbosScope;
            tenant.Tier = ctx.Get(tier) ?? tenant.Tier;
            tenant.Status = ctx.Get(status) switch
            {
                "active" => TenantStatus.Active,
                "suspended" => TenantStatus.Suspended,
                _ => tenant.Status,
            };
            var response = await ctx.Client.UpsertTenantAsync(tenant, cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                ctx.Out.WriteLine($"tenant {tenantId} {(response.Created ? "created" : "updated")}");
                Write(ctx, response.Tenant);
            }

            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandRunner runner)
    {
        var id = TenantId();
        var command = new Command("delete", """
            Delete a tenant with its teams and memberships. Idempotent: deleting a missing tenant succeeds.

            Examples:
              authzctl tenants delete umbrella
              authzctl tenants delete umbrella -o json
            """);
        command.Arguments.Add(id);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var tenantId = ctx.Get(id)!;
            var response = await ctx.Client.DeleteTenantAsync(tenantId, cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                ctx.Out.WriteLine(response.Deleted ? $"tenant {tenantId} deleted" : $"tenant {tenantId} did not exist");
            }

            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static void Write(CommandContext ctx, Tenant tenant)
    {
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Out, tenant);
            return;
        }

        var table = new TableWriter("FIELD", "VALUE");
        table.AddRow("id", tenant.Id);
        table.AddRow("display_name", tenant.DisplayName);
        table.AddRow("cerbos_scope", tenant.CerbosScope);
        table.AddRow("status", Status(ctx, tenant.Status));
        table.AddRow("tier", tenant.Tier);
        table.WriteTo(ctx.Out);
    }

    private static string Status(CommandContext ctx, TenantStatus status) =>
        status == TenantStatus.Suspended ? ctx.Ansi.Red(ProtoText.Status(status)) : ProtoText.Status(status);
}
