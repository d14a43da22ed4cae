using System.CommandLine;
using System.Text.Json.Nodes;
using AuthzService.Contracts;
using AuthzService.Contracts.V1;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl memberships list|upsert|delete</c> (MembershipService membership RPCs).</summary>
internal static class MembershipsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("memberships", """
            List, create or replace, and delete memberships: a principal's roles in a tenant (tenant-wide) or in one of its teams.

            Examples:
              authzctl memberships list --tenant acme
              authzctl memberships upsert --tenant acme --principal frank --role member
              authzctl memberships upsert --tenant acme --principal frank --team red --role team_member
              authzctl memberships delete --tenant acme --principal frank --team red
            """);
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Upsert(runner));
        command.Subcommands.Add(Delete(runner));
        return command;
    }

    private static Option<string?> Tenant() => new("--tenant", "-t") { Description = "Tenant id", Required = true };

    private static Option<string?> Principal(string description) => new("--principal", "-p") { Description = description };

    private static Option<string?> Team(string description) => new("--team") { Description = description };

    private static Command List(CommandRunner runner)
    {
        var tenant = Tenant();
        var principal = Principal("Only this principal's memberships");
        var command = new Command("list", """
            List a tenant's memberships, ordered by principal then team (all pages).
            JSON: { "memberships": [ Membership, ... ] } with proto field names.

            Examples:
              authzctl memberships list --tenant acme
              authzctl memberships list --tenant acme --principal bob -o json
            """);
        command.Options.Add(tenant);
        command.Options.Add(principal);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var tenantId = ctx.Get(tenant) ?? string.Empty;
            PrincipalOptions.Require(tenantId, "--tenant");
            var memberships = new List<Membership>();
            await foreach (var m in ctx.Client.ListAllMembershipsAsync(tenantId, ctx.Get(principal), cancellationToken: cancellationToken))
            {
                memberships.Add(m);
            }

            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, new JsonObject { ["memberships"] = new JsonArray([.. memberships.Select(JsonOutput.ToNode)]) });
                return CtlExitCodes.Ok;
            }

            var table = new TableWriter("PRINCIPAL", "TEAM", "ROLES", "ATTRIBUTES");
            foreach (var m in memberships)
            {
                table.AddRow(m.PrincipalId, m.TeamId.Length == 0 ? "(tenant-wide)" : m.TeamId, string.Join(",", m.Roles), ProtoText.Attributes(m.Attr));
            }

            table.WriteTo(ctx.Out);
            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static Command Upsert(CommandRunner runner)
    {
        var tenant = Tenant();
        var principal = Principal("Principal id");
        principal.Required = true;
        var team = Team("Team id; omit for the tenant-wide membership");
        var role = new Option<string[]>("--role") { Description = "Role (repeatable or comma-separated), e.g. org_admin, member, viewer, team_lead" };
        var attr = new Option<string[]>("--attr") { Description = "Membership attribute for P.attr, key=value or key:=json (repeatable)" };
        var command = new Command("upsert", """
            Create or replace one membership (its roles and attributes are replaced as given).

            Examples:
              authzctl memberships upsert --tenant acme --principal frank --role member
              authzctl memberships upsert -t acme -p frank --team red --role team_lead --attr department=sales
            """);
        command.Options.Add(tenant);
        command.Options.Add(principal);
        command.Options.Add(team);
        command.Options.Add(role);
        command.Options.Add(attr);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var membership = new Membership
            {
                TenantId = ctx.Get(tenant) ?? string.Empty,
                PrincipalId = ctx.Get(principal) ?? string.Empty,
                TeamId = ctx.Get(team) ?? string.Empty,
                Roles = { KeyValueParser.SplitList(ctx.Get(role)) },
            };
            ProtoValues.CopyTo(KeyValueParser.Parse(ctx.Get(attr), "--attr"), membership.Attr);
            PrincipalOptions.Require(membership.TenantId, "--tenant");
            PrincipalOptions.Require(membership.PrincipalId, "--principal");
            var response = await ctx.Client.UpsertMembershipAsync(membership, cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                var m = response.Membership;
                ctx.Out.WriteLine($"membership {m.PrincipalId}@{m.TenantId}{(m.TeamId.Length > 0 ? "/" + m.TeamId : string.Empty)} " +
                    $"{(response.Created ? "created" : "updated")}: roles {string.Join(",", m.Roles)}");
            }

            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandRunner runner)
    {
        var tenant = Tenant();
        var principal = Principal("Principal id");
        principal.Required = true;
        var team = Team("Team id; omit for the tenant-wide membership");
        var command = new Command("delete", """
            Remove one membership. Idempotent: removing a missing membership succeeds.

            Examples:
              authzctl memberships delete --tenant acme --principal frank
              authzctl memberships delete --tenant acme --principal frank --team red -o json
            """);
        command.Options.Add(tenant);
        command.Options.Add(principal);
        command.Options.Add(team);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var tenantId = ctx.Get(tenant) ?? string.Empty;
            var principalId = ctx.Get(principal) ?? string.Empty;
            PrincipalOptions.Require(tenantId, "--tenant");
            PrincipalOptions.Require(principalId, "--principal");
            var response = await ctx.Client.DeleteMembershipAsync(tenantId, principalId, ctx.Get(team), cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                ctx.Out.WriteLine(response.Deleted ? "membership deleted" : "membership did not exist");
            }

            return CtlExitCodes.Ok;
        });
        return command;
    }
}
