using System.Globalization;

namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// What Cerbos's metrics say about its policy store: which process (its start time) and a fingerprint
/// of the store's change counters. Cerbos 0.55 exposes no hash of the policies it serves; these counters
/// move exactly when its index changes: <c>cerbos_dev_index_crud_count_total</c> (add, update, delete of
/// a policy, every driver), <c>cerbos_dev_index_entry_count</c>, and for the <c>disk</c> driver, whose
/// refresh metrics only move when files changed (schemas included),
/// <c>cerbos_dev_store_poll_count_total</c> and <c>cerbos_dev_store_last_successful_refresh</c>. The git and
/// blob drivers bump their refresh metrics on every poll, so those are left out for them.
/// </summary>
internal sealed record PolicyStoreState(string Process, string Fingerprint)
{
    private const string ProcessStart = "process_start_time_seconds";
    private const string IndexEntries = "cerbos_dev_index_entry_count";
    private const string IndexChanges = "cerbos_dev_index_crud_count_total";
    private const string DiskDriver = "driver=\"disk\"";
    private static readonly string[] s_diskRefresh = ["cerbos_dev_store_poll_count_total", "cerbos_dev_store_last_successful_refresh"];

    /// <summary>Reads the Prometheus text format; null when it carries no policy index metrics (not Cerbos, or metrics off).</summary>
    public static PolicyStoreState? Parse(string metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var process = string.Empty;
        var counters = new List<string>();
        var hasIndex = false;
        foreach (var raw in metrics.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var name = MetricName(line);
            if (name == ProcessStart)
            {
                process = Value(line);
            }
            else if (name is IndexEntries or IndexChanges)
            {
                hasIndex = true;
                counters.Add(line);
            }
            else if (s_diskRefresh.Contains(name) && line.Contains(DiskDriver, StringComparison.Ordinal))
            {
                counters.Add(line);
            }
        }

        if (!hasIndex)
        {
            return null;
        }

        counters.Sort(StringComparer.Ordinal);
        return new PolicyStoreState(process, string.Join('\n', counters));
    }

    private static string MetricName(string line)
    {
        var end = line.IndexOfAny(['{', ' ']);
        return end < 0 ? line : line[..end];
    }

    private static string Value(string line)
    {
        var space = line.LastIndexOf(' ');
        var value = space < 0 ? string.Empty : line[(space + 1)..];
        // Normalise the float text so "1.7e+09" and "1700000000" are one process.
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number.ToString("R", CultureInfo.InvariantCulture)
            : value;
    }
}
