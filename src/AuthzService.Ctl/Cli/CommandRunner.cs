using System.CommandLine;
using AuthzService.Client;

namespace AuthzService.Ctl.Cli;

/// <summary>
/// Gives every command the same shell: connect, run, and turn failures into one clear line on
/// stderr with exit code 2 (scripts tell "denied" (1) from "could not decide" (2)).
/// </summary>
internal sealed class CommandRunner
{
    private readonly CommonOptions _common;
    private readonly CtlConsole _console;

    public CommandRunner(CommonOptions common, CtlConsole console)
    {
        _common = common;
        _console = console;
    }

    public void SetAction(Command command, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parse, Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            var options = ConnectionSettings.Resolve(parse, _common, _console);
            using var client = new AuthzClient(options);
            var json = parse.GetValue(_common.Output) == "json";
            return await body(new CommandContext(parse, client, _console, json), cancellationToken);
        }
        catch (UsageException ex)
        {
            await _console.Error.WriteLineAsync($"error: {ex.Message}");
            await _console.Error.WriteLineAsync($"See '{CommandPath(parse.CommandResult.Command)} --help'.");
            return CtlExitCodes.Error;
        }
        catch (AuthzValidationException ex)
        {
            await _console.Error.WriteLineAsync("error: the service rejected the request (INVALID_ARGUMENT):");
            foreach (var error in ex.FieldErrors)
            {
                await _console.Error.WriteLineAsync($"  {error}");
            }

            return CtlExitCodes.Error;
        }
        catch (AuthzException ex)
        {
            await _console.Error.WriteLineAsync($"error: {StatusName(ex)}: {ex.Message}");
            return CtlExitCodes.Error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _console.Error.WriteLineAsync("error: cancelled");
            return CtlExitCodes.Error;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException or Google.Protobuf.InvalidJsonException or System.Text.Json.JsonException)
        {
            await _console.Error.WriteLineAsync($"error: {ex.Message}");
            return CtlExitCodes.Error;
        }
    }

    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    private static string StatusName(AuthzException ex) => ex.StatusCode switch
    {
        global::Grpc.Core.StatusCode.Unavailable => "UNAVAILABLE (service or a dependency unreachable)",
        global::Grpc.Core.StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED (try a larger --timeout)",
        global::Grpc.Core.StatusCode.PermissionDenied => "PERMISSION_DENIED",
        global::Grpc.Core.StatusCode.Unauthenticated => "UNAUTHENTICATED (check --cert/--key)",
        global::Grpc.Core.StatusCode.NotFound => "NOT_FOUND",
        var code => code.ToString().ToUpperInvariant(),
    };
}
