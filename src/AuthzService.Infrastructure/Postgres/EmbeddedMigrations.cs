using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>Loads the <c>Postgres/Migrations/NNNN_name.sql</c> files embedded in this assembly, in version order.</summary>
public static partial class EmbeddedMigrations
{
    private const string Prefix = "AuthzService.Infrastructure.Postgres.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> s_all = new(() => Load(typeof(EmbeddedMigrations).Assembly));

    public static IReadOnlyList<Migration> All => s_all.Value;

    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = resource[Prefix.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration file '{fileName}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(Migration.Create(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations have version {migrations[i].Version}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)\.sql\z", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
