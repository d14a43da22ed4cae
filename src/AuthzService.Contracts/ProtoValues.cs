using System.Collections;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Contracts;

/// <summary>
/// Converts between <c>google.protobuf.Value</c> and the plain object trees the domain uses
/// (null, bool, double, string, <see cref="IReadOnlyList{T}"/> of object, <see cref="IReadOnlyDictionary{TKey, TValue}"/> of string to object).
/// </summary>
public static class ProtoValues
{
    public static object? ToObject(Value? value) => value?.KindCase switch
    {
        null or Value.KindOneofCase.None or Value.KindOneofCase.NullValue => null,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.NumberValue => value.NumberValue,
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select(ToObject).ToList(),
        Value.KindOneofCase.StructValue => ToDictionary(value.StructValue.Fields),
        _ => null,
    };

    public static IReadOnlyDictionary<string, object?> ToDictionary(MapField<string, Value>? fields)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fields is null)
        {
            return result;
        }

        foreach (var (key, value) in fields)
        {
            result[key] = ToObject(value);
        }

        return result;
    }

    public static Value FromObject(object? value) => value switch
    {
        null => Value.ForNull(),
        Value v => v,
        bool b => Value.ForBool(b),
        string s => Value.ForString(s),
        double d => Value.ForNumber(d),
        float f => Value.ForNumber(f),
        int i => Value.ForNumber(i),
        long l => Value.ForNumber(l),
        short sh => Value.ForNumber(sh),
        decimal m => Value.ForNumber((double)m),
        uint ui => Value.ForNumber(ui),
        ulong ul => Value.ForNumber(ul),
        DateTimeOffset dto => Value.ForString(dto.ToString("O", CultureInfo.InvariantCulture)),
        DateTime dt => Value.ForString(dt.ToString("O", CultureInfo.InvariantCulture)),
        JsonElement json => FromJson(json),
        IReadOnlyDictionary<string, object?> map => Value.ForStruct(ToStruct(map)),
        IDictionary dict => Value.ForStruct(ToStruct(dict)),
        IEnumerable list => Value.ForList([.. list.Cast<object?>().Select(FromObject)]),
        _ => Value.ForString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    public static Struct ToStruct(IReadOnlyDictionary<string, object?> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new Struct();
        foreach (var (key, value) in map)
        {
            result.Fields[key] = FromObject(value);
        }

        return result;
    }

    public static void CopyTo(IReadOnlyDictionary<string, object?> source, MapField<string, Value> target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        foreach (var (key, value) in source)
        {
            target[key] = FromObject(value);
        }
    }

    private static Struct ToStruct(IDictionary dict)
    {
        var result = new Struct();
        foreach (DictionaryEntry entry in dict)
        {
            result.Fields[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = FromObject(entry.Value);
        }

        return result;
    }

    private static Value FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Value.ForNull(),
        JsonValueKind.True => Value.ForBool(true),
        JsonValueKind.False => Value.ForBool(false),
        JsonValueKind.Number => Value.ForNumber(json.GetDouble()),
        JsonValueKind.String => Value.ForString(json.GetString() ?? string.Empty),
        JsonValueKind.Array => Value.ForList([.. json.EnumerateArray().Select(FromJson)]),
        _ => Value.ForStruct(JsonObjectToStruct(json)),
    };

    private static Struct JsonObjectToStruct(JsonElement json)
    {
        var result = new Struct();
        foreach (var property in json.EnumerateObject())
        {
            result.Fields[property.Name] = FromJson(property.Value);
        }

        return result;
    }
}
