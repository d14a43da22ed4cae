namespace AuthzService.IntegrationTests;

/// <summary>
/// Summary lines of the randomized suites for <c>make test</c>'s output: <c>scripts/run-tests.sh</c> sets
/// <c>AUTHZ_SUITE_REPORT</c> to a file and prints it after the .NET suites (a passing test's console output is not shown
/// at the verbosity the script runs them with). Without the variable nothing is written.
/// </summary>
internal static class SuiteReport
{
    private static readonly Lock s_lock = new();

    public static void Write(string line)
    {
        if (Environment.GetEnvironmentVariable("AUTHZ_SUITE_REPORT") is { Length: > 0 } path)
        {
            lock (s_lock)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
