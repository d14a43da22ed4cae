using System.CommandLine;
using AuthzService.Contracts;
using AuthzService.Ctl.Cli;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Ctl.Commands;

/// <summary>Who is asking: tenant, principal, team and request-time context (check, explain, plan).</summary>
internal sealed class PrincipalOptions
{
    public Option<string?> Tenant { get; } = new("--tenant", "-t") { Description = "Tenant the principal acts in (required)" };

    public Option<string?> Principal { get; } = new("--principal", "-p") { Description = "Principal (user or service) id (required)" };

    public Option<string?> Team { get; } = new("--team") { Description = "Team the principal acts for (team roles apply only with it)" };

    public Option<string[]> Context { get; } = new("--context", "-c")
    {
        Description = "Request-time fact for P.attr.context, key=value or key:=json (repeatable), e.g. mfa=true",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Tenant);
        command.Options.Add(Principal);
        command.Options.Add(Team);
        command.Options.Add(Context);
    }

    /// <summary>Copies the flags that were given into a request's fields (flags win over a --request file).</summary>
    public void Apply(CommandContext ctx, Action<string> setTenant, Action<string> setPrincipal, Action<string> setTeam, MapField<string, Value> context)
    {
        if (ctx.Get(Tenant) is { } tenant)
        {
            setTenant(tenant);
        }

        if (ctx.Get(Principal) is { } principal)
        {
            setPrincipal(principal);
        }

        if (ctx.Get(Team) is { } team)
        {
            setTeam(team);
        }

        ProtoValues.CopyTo(KeyValueParser.Parse(ctx.Get(Context), "--context"), context);
    }

    public static void Require(string value, string flag)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new UsageException($"{flag} is required.");
        }
    }
}
