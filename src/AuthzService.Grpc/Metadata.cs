using System.Collections;
using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc;

/// <summary>
/// Ordered gRPC metadata (headers or trailers). Keys are lower-case; keys ending in
/// <c>-bin</c> carry binary values, sent base64-encoded on the wire.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public Metadata Add(string key, string value)
    {
        _entries.Add(new Entry(MetadataEncoding.NormalizeKey(key, binary: false), value, null));
        return this;
    }

    public Metadata Add(string key, byte[] value)
    {
        _entries.Add(new Entry(MetadataEncoding.NormalizeKey(key, binary: true), null, value));
        return this;
    }

    /// <summary>The last value of a text key, or null.</summary>
    public string? GetValue(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase) && !_entries[i].IsBinary)
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The last value of a binary (<c>-bin</c>) key, or null.</summary>
    public byte[]? GetValueBytes(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase) && _entries[i].IsBinary)
            {
                return _entries[i].ValueBytes;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One key and its text or binary value.</summary>
    public sealed record Entry(string Key, string? Value, byte[]? ValueBytes)
    {
        public bool IsBinary => ValueBytes is not null;
    }
}
