using System.Diagnostics;
using System.Globalization;

namespace AuthzService.Testing;

/// <summary>
/// SIGSTOP / SIGCONT for fault tests: a frozen dependency keeps its sockets open and its port bound but never
/// answers, unlike a killed one (connection refused at once). kill(1), as the fixtures' other signals, so the
/// fixture project needs no P/Invoke.
/// </summary>
public static class ProcessSignals
{
    /// <summary>Stops every process in <paramref name="pids"/>, in order (a parent first, so it cannot fork new children meanwhile).</summary>
    public static Task FreezeAsync(IReadOnlyList<int> pids) => SendAsync("-STOP", pids);

    /// <summary>Continues every process in <paramref name="pids"/>.</summary>
    public static Task ThawAsync(IReadOnlyList<int> pids) => SendAsync("-CONT", pids);

    /// <summary>The pids whose parent is <paramref name="parent"/> (from /proc).</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    private static async Task SendAsync(string signal, IReadOnlyList<int> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        if (pids.Count == 0)
        {
            throw new InvalidOperationException("no process to signal");
        }

        var start = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(signal);
        foreach (var pid in pids)
        {
            start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        }

        using var kill = Process.Start(start) ?? throw new InvalidOperationException("could not start kill");
        var error = await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {string.Join(' ', pids)} failed: {error}");
        }
    }
}
