using System.Text.RegularExpressions;

namespace AuthzService.Api.Tests.Logging;

/// <summary>
/// Every log event id in src/ is used once: operators alert and route on ids, so two events sharing one
/// would page for the wrong thing. Scans the sources (every assembly, including the client library
/// and authzctl), so an id is checked whether or not this project loads its assembly.
/// </summary>
[TestClass]
public sealed partial class LogEventIdTests
{
    [TestMethod]
    public void EveryEventIdInSrc_IsUsedOnce()
    {
        var events = ScanSources();

        var duplicates = events.GroupBy(e => e.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}")
            .ToList();

        // The scan finds the service's events: a good number of them, and one of each assembly that logs
        // (Api, Infrastructure, Tls). Our gRPC layer's 23 events went with it (issue 12).
        Assert.IsGreaterThan(50, events.Count, "the scan finds the service's events");
        CollectionAssert.IsSubsetOf(new[] { 6500, 6100, 6400 }, events.Select(e => e.Id).ToArray(), "the scan reads every assembly's events");
        Assert.IsEmpty(duplicates, "event ids used more than once:\n" + string.Join("\n", duplicates));
    }

    [TestMethod]
    public void EveryLoggerMessageAttribute_HasAnIdTheScanReads()
    {
        // Guards the scan itself: an attribute written in a form the patterns miss must fail here, not slip through.
        var unread = SourceFiles()
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => l.Text.TrimStart().StartsWith("[LoggerMessage", StringComparison.Ordinal) && !LoggerMessageId().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.IsEmpty(unread, "write the id as the first argument or as EventId = N on the attribute's line:\n" + string.Join("\n", unread));
    }

    [TestMethod]
    public void Scan_FindsADuplicate()
    {
        var events = Parse("a.cs", "[LoggerMessage(7, LogLevel.Debug, \"x\")]\n[LoggerMessage(EventId = 7, Level = LogLevel.Debug)]\nnew EventId(8, \"y\")");

        CollectionAssert.AreEqual(new[] { 7, 7, 8 }, events.Select(e => e.Id).ToArray());
    }

    private static List<(int Id, string Where)> ScanSources() =>
        [.. SourceFiles().SelectMany(f => Parse(Relative(f), File.ReadAllText(f)))];

    private static IEnumerable<(int Id, string Where)> Parse(string file, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var match in new[] { LoggerMessageId().Match(lines[i]), EventIdConstruction().Match(lines[i]) }.Where(m => m.Success))
            {
                yield return (int.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), $"{file}:{i + 1}");
            }
        }
    }

    private static IEnumerable<string> SourceFiles()
    {
        var src = Path.Combine(RepoRoot(), "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    private static string Relative(string file) => Path.GetRelativePath(RepoRoot(), file);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuthzService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find AuthzService.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\[LoggerMessage\(\s*(?:EventId\s*=\s*)?(?<id>\d+)")]
    private static partial Regex LoggerMessageId();

    [GeneratedRegex(@"new\s+EventId\(\s*(?<id>\d+)")]
    private static partial Regex EventIdConstruction();
}
