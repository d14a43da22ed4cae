using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// The actions the deployed Cerbos policies name, per resource kind: read from the same policy directory Cerbos
/// loads (Cerbos's check API does not expose them). For a kind: every action listed in <c>rules[].actions</c> of a
/// resource policy for it (any version, any scope) and in <c>rules[].allowActions</c> of a role policy rule naming
/// it. Actions containing <c>*</c> (Cerbos wildcards such as <c>*</c> or <c>view:*</c>) stand for sets that cannot be
/// enumerated and are left out. Files are chosen as Cerbos's disk store chooses them: <c>.yaml</c>, <c>.yml</c>,
/// <c>.json</c>, not hidden, not under <c>_schemas</c> or <c>testdata</c>, not <c>*_test.*</c>; any document
/// without <c>resourcePolicy</c> or <c>rolePolicy</c> is skipped. These are only candidates: whether an action is
/// allowed is Cerbos's answer, so a stale or missing entry can hide an action, never allow one. The directory is
/// re-read when a file's name, size or modification time changes (looked at most once per
/// <paramref name="recheckInterval"/>).
/// </summary>
public sealed partial class CerbosPolicyActions(string directory, TimeSpan recheckInterval, TimeProvider time, ILogger<CerbosPolicyActions> logger)
{
    private static readonly string[] s_extensions = [".yaml", ".yml", ".json"];

    private readonly Lock _lock = new();
    private Snapshot? _snapshot;

    /// <summary>The directory read.</summary>
    public string Directory { get; } = directory;

    /// <summary>The enumerable actions the policies name for <paramref name="kind"/>, ordinal order; empty for a kind no policy names.</summary>
    public IReadOnlyList<string> ActionsOf(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return Current().Actions.TryGetValue(kind, out var actions) ? actions : [];
    }

    private Snapshot Current()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_snapshot is { } s && now - s.CheckedAt < recheckInterval)
            {
                return s;
            }

            var files = PolicyFiles();
            var fingerprint = files is null ? "(missing)" : string.Join('\n', files.Select(f => $"{f.FullName}\u001f{f.Length}\u001f{f.LastWriteTimeUtc.Ticks}"));
            _snapshot = _snapshot is { } old && old.Fingerprint == fingerprint
                ? old with { CheckedAt = now }
                : new Snapshot(fingerprint, now, Read(files));
            return _snapshot;
        }
    }

    /// <summary>The policy files, ordinal order; null when the directory does not exist.</summary>
    private List<FileInfo>? PolicyFiles()
    {
        var root = new DirectoryInfo(Directory);
        if (!root.Exists)
        {
            return null;
        }

        var files = new List<FileInfo>();
        var pending = new Stack<DirectoryInfo>([root]);
        while (pending.TryPop(out var dir))
        {
            foreach (var entry in dir.EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.'))
                {
                    continue; // hidden, and the ..data / ..2026_... links of a mounted ConfigMap
                }

                if (entry is DirectoryInfo sub)
                {
                    var top = dir.FullName == root.FullName;
                    if (!(top && sub.Name == "_schemas") && sub.Name != "testdata")
                    {
                        pending.Push(sub);
                    }
                }
                else if (entry is FileInfo file
                    && s_extensions.Contains(file.Extension, StringComparer.OrdinalIgnoreCase)
                    && !Path.GetFileNameWithoutExtension(file.Name).EndsWith("_test", StringComparison.Ordinal))
                {
                    files.Add(file);
                }
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        return files;
    }

    private FrozenDictionary<string, string[]> Read(List<FileInfo>? files)
    {
        if (files is null)
        {
            DirectoryMissing(logger, Directory);
            return FrozenDictionary<string, string[]>.Empty;
        }

        var actions = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                var stream = new YamlStream();
                using (var reader = file.OpenText())
                {
                    stream.Load(reader);
                }

                foreach (var document in stream.Documents)
                {
                    if (document.RootNode is YamlMappingNode root)
                    {
                        Collect(root, actions);
                    }
                }
            }
            catch (Exception ex) when (ex is YamlException or IOException or UnauthorizedAccessException)
            {
                // Cerbos refuses such a file too; its kinds offer fewer candidates here (never an extra allow).
                FileSkipped(logger, file.FullName, ex.Message);
            }
        }

        PoliciesRead(logger, Directory, files.Count, actions.Count);
        return actions.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void Collect(YamlMappingNode root, Dictionary<string, SortedSet<string>> actions)
    {
        if (Child(root, "resourcePolicy") is YamlMappingNode resourcePolicy && Scalar(resourcePolicy, "resource") is { } kind)
        {
            foreach (var rule in Sequence(resourcePolicy, "rules").OfType<YamlMappingNode>())
            {
                Add(actions, kind, Sequence(rule, "actions"));
            }
        }

        if (Child(root, "rolePolicy") is YamlMappingNode rolePolicy)
        {
            foreach (var rule in Sequence(rolePolicy, "rules").OfType<YamlMappingNode>())
            {
                if (Scalar(rule, "resource") is { } ruleKind)
                {
                    Add(actions, ruleKind, Sequence(rule, "allowActions"));
                }
            }
        }
    }

    private static void Add(Dictionary<string, SortedSet<string>> actions, string kind, IEnumerable<YamlNode> names)
    {
        if (kind.Contains('*', StringComparison.Ordinal))
        {
            return;
        }

        foreach (var name in names.OfType<YamlScalarNode>().Select(n => n.Value))
        {
            if (!string.IsNullOrEmpty(name) && !name.Contains('*', StringComparison.Ordinal))
            {
                if (!actions.TryGetValue(kind, out var set))
                {
                    actions[kind] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(name);
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        Child(node, key) is YamlSequenceNode sequence ? sequence.Children : [];

    private sealed record Snapshot(string Fingerprint, DateTimeOffset CheckedAt, FrozenDictionary<string, string[]> Actions);

    [LoggerMessage(6512, LogLevel.Information, "Policy actions read from {Directory}: {Files} files, {Kinds} resource kinds")]
    private static partial void PoliciesRead(ILogger logger, string directory, int files, int kinds);

    [LoggerMessage(6513, LogLevel.Warning, "Policy file {File} skipped for the action catalogue: {Reason}")]
    private static partial void FileSkipped(ILogger logger, string file, string reason);

    [LoggerMessage(6514, LogLevel.Warning, "Policy directory {Directory} does not exist: no resource kind has actions to search")]
    private static partial void DirectoryMissing(ILogger logger, string directory);
}
