using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AuthzService.Core.Caching;

/// <summary>
/// SHA-256 over a canonical, self-delimiting serialization: every value is written as a type tag plus
/// a length (or fixed width), so no two different inputs produce the same byte stream whatever the
/// strings contain (separators, prefixes, NULs). Map keys are sorted ordinally so insertion order
/// does not matter.
/// </summary>
internal sealed class CanonicalHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _scratch = new byte[9];

    public void Dispose() => _hash.Dispose();

    public byte[] Finish() => _hash.GetHashAndReset();

    public void String(string? value)
    {
        if (value is null)
        {
            Tag('n');
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        Tag('s');
        Length(bytes.Length);
        _hash.AppendData(bytes);
    }

    public void Int64(long value)
    {
        _scratch[0] = (byte)'i';
        BinaryPrimitives.WriteInt64BigEndian(_scratch.AsSpan(1), value);
        _hash.AppendData(_scratch, 0, 9);
    }

    public void Bool(bool value) => Tag(value ? 'T' : 'F');

    public void Strings(IReadOnlyList<string> values)
    {
        Tag('l');
        Length(values.Count);
        foreach (var value in values)
        {
            String(value);
        }
    }

    /// <summary>The object trees of <c>ProtoValues</c>: null, bool, double, string, lists and string-keyed maps.</summary>
    public void Value(object? value)
    {
        switch (value)
        {
            case null:
                Tag('n');
                break;
            case string s:
                String(s);
                break;
            case bool b:
                Bool(b);
                break;
            case double d:
                // The bit pattern, so 0.1 and 0.1000000000000001 never collide through formatting.
                Tag('d');
                Int64(BitConverter.DoubleToInt64Bits(d));
                break;
            case IReadOnlyDictionary<string, object?> map:
                Map(map);
                break;
            case IDictionary dictionary:
                Map(dictionary.Keys.Cast<object>().ToDictionary(
                    k => Convert.ToString(k, CultureInfo.InvariantCulture) ?? string.Empty, k => dictionary[k], StringComparer.Ordinal));
                break;
            case IEnumerable list:
                var items = list.Cast<object?>().ToList();
                Tag('L');
                Length(items.Count);
                foreach (var item in items)
                {
                    Value(item);
                }

                break;
            default:
                // Any other scalar (int, long, decimal...): its type and invariant text, never confused with a string.
                Tag('o');
                String(value.GetType().FullName);
                String(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public void Map(IReadOnlyDictionary<string, object?>? map)
    {
        if (map is null)
        {
            Tag('n');
            return;
        }

        Tag('m');
        Length(map.Count);
        foreach (var key in map.Keys.Order(StringComparer.Ordinal))
        {
            String(key);
            Value(map[key]);
        }
    }

    private void Tag(char tag)
    {
        _scratch[0] = (byte)tag;
        _hash.AppendData(_scratch, 0, 1);
    }

    private void Length(int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(_scratch, length);
        _hash.AppendData(_scratch, 0, 4);
    }
}
