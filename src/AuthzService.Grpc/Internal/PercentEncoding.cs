using System.Buffers;
using System.Text;

namespace AuthzService.Grpc.Internal;

/// <summary>
/// <c>grpc-message</c> encoding: UTF-8, with bytes outside 0x20-0x7E and '%' itself written as %XX.
/// </summary>
internal static class PercentEncoding
{
    private static readonly SearchValues<char> s_plain = SearchValues.Create(
        " !\"#$&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.AsSpan().ContainsAnyExcept(s_plain))
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
            }
        }

        return sb.ToString();
    }

    /// <summary>Decodes leniently: a malformed escape is kept as written, as the spec asks.</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var hi) && TryHex(value[i + 2], out var lo))
            {
                bytes.Add((byte)((hi << 4) | lo));
                i += 2;
            }
            else
            {
                // Non-ASCII chars are not expected on the wire; keep them as UTF-8 anyway.
                if (c <= 0x7F)
                {
                    bytes.Add((byte)c);
                }
                else
                {
                    // Take a surrogate pair as one character, or it would decode to two U+FFFD.
                    var width = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
                    bytes.AddRange(Encoding.UTF8.GetBytes(value.Substring(i, width)));
                    i += width - 1;
                }
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static char HexUpper(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);

    private static bool TryHex(char c, out int v)
    {
        v = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
        return v >= 0;
    }
}
