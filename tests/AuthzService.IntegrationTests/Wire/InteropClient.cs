using System.Diagnostics;
using AuthzService.Testing;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>Runs an independent gRPC client's script (tests/interop) against the service and reports its verdict.</summary>
internal static class InteropClient
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    public static string ProtosDirectory => Path.Combine(RepoPaths.Root, "tests", "AuthzService.IntegrationTests", "Protos");

    public static Task<(int ExitCode, string Output)> RunNodeAsync(int port, string testCase)
    {
        var script = RepoPaths.Require(Path.Combine(RepoPaths.Root, "tests", "interop", "node", "interop_client.js"), "Node interop client");
        var modules = RepoPaths.Require(Path.Combine(RepoPaths.NodeModules, "@grpc", "grpc-js"), "@grpc/grpc-js");
        var start = new ProcessStartInfo("node") { ArgumentList = { script, $"--port={port}", $"--test_case={testCase}", $"--protos={ProtosDirectory}" } };
        start.Environment["NODE_PATH"] = Path.GetDirectoryName(Path.GetDirectoryName(modules))!;
        return RunAsync(start);
    }

    public static Task<(int ExitCode, string Output)> RunPythonAsync(string script, params string[] arguments)
    {
        var path = RepoPaths.Require(Path.Combine(RepoPaths.Root, "tests", "interop", "python", script), "Python gRPC client " + script);
        // Debian's python3-grpcio lives in the system interpreter, not in a pyenv/venv one.
        var start = new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { path } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return RunAsync(start);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} did not finish within {s_timeout}.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
