using Microsoft.Extensions.Options;

namespace AuthzService.Api;

/// <summary>
/// Turns configuration failures at start-up into one line per problem on stderr and exit code 2,
/// instead of a stack trace an operator has to dig through.
/// </summary>
internal static class StartupErrorReporter
{
    public const int ConfigurationExitCode = 2;

    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            await app.RunAsync();
            // A hosted service (e.g. the migration gate) may have stopped us with a non-zero code.
            return Environment.ExitCode;
        }
        catch (Exception ex) when (Failures(ex) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("configuration error: " + failure);
            }

            return ConfigurationExitCode;
        }
    }

    private static List<string> Failures(Exception ex) => ex switch
    {
        OptionsValidationException ove => [.. ove.Failures],
        AggregateException ae => [.. ae.InnerExceptions.SelectMany(Failures)],
        StartupConfigurationException sce => [.. sce.Failures],
        _ => [],
    };
}
