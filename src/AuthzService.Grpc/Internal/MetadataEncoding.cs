namespace AuthzService.Grpc.Internal;

/// <summary>Header-name and <c>-bin</c> value rules of the gRPC HTTP/2 spec.</summary>
internal static class MetadataEncoding
{
    public const string BinarySuffix = "-bin";

    public static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Names are <c>[0-9a-z_.-]</c>; the <c>grpc-</c> prefix is reserved for the protocol.</summary>
    public static bool IsValidKey(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsReservedKey(string key) =>
        key.StartsWith("grpc-", StringComparison.Ordinal) || key.StartsWith(':');

    public static string NormalizeKey(string key, bool binary)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lower = key.ToLowerInvariant();
        if (!IsValidKey(lower))
        {
            throw new ArgumentException($"Metadata key '{key}' contains characters outside [0-9a-z_.-].", nameof(key));
        }

        if (binary != IsBinaryKey(lower))
        {
            throw new ArgumentException(
                binary ? $"Binary metadata key '{key}' must end in '-bin'." : $"Text metadata key '{key}' must not end in '-bin'.",
                nameof(key));
        }

        return lower;
    }

    /// <summary>Emit unpadded base64, as the spec recommends.</summary>
    public static string EncodeBinary(ReadOnlySpan<byte> value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>Accept padded and unpadded base64; a comma joins several values of one key.</summary>
    public static byte[] DecodeBinary(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim().TrimEnd('=');
        var padded = (trimmed.Length % 4) switch
        {
            0 => trimmed,
            2 => trimmed + "==",
            3 => trimmed + "=",
            _ => throw new FormatException("Invalid base64 length in binary metadata."),
        };
        return Convert.FromBase64String(padded);
    }
}
