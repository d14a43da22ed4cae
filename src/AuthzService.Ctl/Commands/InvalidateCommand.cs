using System.CommandLine;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl invalidate</c>: drop cached decisions of a principal, a tenant, or everything (CacheService/Invalidate).</summary>
internal static class InvalidateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var principal = new Option<string?>("--principal") { Description = "Drop one principal's cached decisions: TENANT/PRINCIPAL, e.g. acme/bob" };
        var tenant = new Option<string?>("--tenant") { Description = "Drop every cached decision of one tenant" };
        var policies = new Option<bool>("--policies") { Description = "Drop every cached decision of every tenant (after a policy change)" };
        var command = new Command("invalidate", """
            Stop serving cached decisions: of one principal in one tenant, of one tenant, or of every tenant
            after a policy change. Give exactly one of --principal, --tenant, --policies. Idempotent.

            Examples:
              authzctl invalidate --principal acme/bob
              authzctl invalidate --tenant acme
              authzctl invalidate --policies -o json
            """);
        command.Options.Add(principal);
        command.Options.Add(tenant);
        command.Options.Add(policies);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var principalText = ctx.Get(principal);
            var tenantId = ctx.Get(tenant);
            var all = ctx.Get(policies);
            if ((principalText is null ? 0 : 1) + (tenantId is null ? 0 : 1) + (all ? 1 : 0) != 1)
            {
                throw new UsageException("give exactly one of --principal TENANT/PRINCIPAL, --tenant TENANT, --policies.");
            }

            var response = principalText is not null
                ? await InvalidatePrincipalAsync(ctx, principalText, cancellationToken)
                : tenantId is not null
                    ? await ctx.Client.InvalidateTenantAsync(tenantId, cancellationToken)
                    : await ctx.Client.InvalidatePoliciesAsync(cancellationToken);
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, response);
            }
            else
            {
                var what = principalText is not null ? $"principal {principalText}" : tenantId is not null ? $"tenant {tenantId}" : "policies (every tenant)";
                ctx.Out.WriteLine($"invalidated {what}: {response.GenerationsBumped} generation(s) bumped, new version {response.NewVersion}");
                if (response.ConsistencyToken.Length > 0)
                {
                    ctx.Out.WriteLine($"consistency token: {response.ConsistencyToken}");
                }
            }

            return CtlExitCodes.Ok;
        });
        return command;
    }

    private static Task<Contracts.V1.InvalidateResponse> InvalidatePrincipalAsync(CommandContext ctx, string text, CancellationToken cancellationToken)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < text.Length - 1
            ? ctx.Client.InvalidatePrincipalAsync(text[..slash], text[(slash + 1)..], cancellationToken)
            : throw new UsageException($"--principal '{text}' must be TENANT/PRINCIPAL, e.g. acme/bob.");
    }
}
