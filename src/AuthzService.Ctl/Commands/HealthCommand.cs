using System.CommandLine;
using System.Text.Json.Nodes;
using AuthzService.Ctl.Cli;
using AuthzService.Ctl.Output;
using Grpc.Health.V1;

namespace AuthzService.Ctl.Commands;

/// <summary><c>authzctl health</c>: grpc.health.v1.Health/Check.</summary>
internal static class HealthCommand
{
    public static Command Create(CommandRunner runner)
    {
        var service = new Option<string?>("--service") { Description = "Service name, e.g. authz.v1.AuthorizationService (default: the whole server)" };
        var command = new Command("health", """
            Ask the standard gRPC health service. NOT_SERVING while PostgreSQL or Cerbos is unreachable.
            Exit code 0 when SERVING, 1 when not, 2 when the service cannot be reached.
            JSON: { "service": "", "status": "SERVING" }.

            Examples:
              authzctl health
              authzctl health --service authz.v1.AuthorizationService -o json
              AUTHZ_ADDRESS=https://authz:50051 AUTHZ_CA=ca.crt authzctl health
            """);
        command.Options.Add(service);
        runner.SetAction(command, async (ctx, cancellationToken) =>
        {
            var name = ctx.Get(service) ?? string.Empty;
            var status = await ctx.Client.CheckHealthAsync(name, cancellationToken);
            var text = status switch
            {
                HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
                HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
                HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
                _ => "UNKNOWN",
            };
            if (ctx.Json)
            {
                JsonOutput.Write(ctx.Out, new JsonObject { ["service"] = name, ["status"] = text });
            }
            else
            {
                var colored = status == HealthCheckResponse.Types.ServingStatus.Serving ? ctx.Ansi.Green(text) : ctx.Ansi.Red(text);
                ctx.Out.WriteLine($"{(name.Length == 0 ? "server" : name)} at {ctx.Client.Address}: {colored}");
            }

            return status == HealthCheckResponse.Types.ServingStatus.Serving ? CtlExitCodes.Ok : CtlExitCodes.Denied;
        });
        return command;
    }
}
