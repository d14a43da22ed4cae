using System.Security.Cryptography;
using System.Text;

namespace AuthzService.Infrastructure.Postgres;

/// <summary>One schema migration: <c>NNNN_name.sql</c>.</summary>
/// <param name="Checksum">Lower-case hex SHA-256 of the script with line endings normalized to LF.</param>
public sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    public static Migration Create(int version, string name, string sql) =>
        new(version, name, sql, ComputeChecksum(sql));

    // Normalized so a checkout with CRLF line endings does not look like an edited migration.
    public static string ComputeChecksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.Replace("\r\n", "\n", StringComparison.Ordinal))));
}
