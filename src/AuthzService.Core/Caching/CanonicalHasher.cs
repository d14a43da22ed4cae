using System.Buffers;
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
/// <remarks>
/// Bytes are collected in a buffer and hashed once: on the cache-hit path this is cheaper than an
/// incremental hash object (a native context) per key.
/// </remarks>
internal sealed class CanonicalHasher : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    public void Dispose() => _buffer.Clear();

    public byte[] Finish() => SHA256.HashData(_buffer.WrittenSpan);

    public void String(string? value)
    {
        if (value is null)
        {
            Tag('n');
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Tag('s');
        Length(length);
        _buffer.Advance(Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length)));
    }

    public void Int64(long value)
    {
        var span = _buffer.GetSpan(9);
        span[0] = (byte)'i';
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
        _buffer.Advance(9);
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
        _buffer.GetSpan(1)[0] = (byte)tag;
        _buffer.Advance(1);
    }

    private void Length(int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), length);
        _buffer.Advance(4);
    }
}
