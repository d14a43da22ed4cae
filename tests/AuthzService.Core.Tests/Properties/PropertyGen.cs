using CsCheck;

namespace AuthzService.Core.Tests.Properties;

/// <summary>
/// Generators shared by the property tests. Ids are drawn from the grammar the API documents (1-128
/// characters, no control, format or line/paragraph separator characters) with a deliberately hostile
/// alphabet: the separators our encodings use (':' '\n' is excluded by the grammar), quotes, '=', spaces,
/// percent signs, non-Latin letters and characters outside the BMP (surrogate pairs).
/// </summary>
internal static class PropertyGen
{
    /// <summary>Iterations for cheap pure properties: enough to hit the small domains many times over.</summary>
    public const long Iterations = 20_000;

    private static readonly string[] IdPieces =
        ["a", "b", "z", "0", "7", ":", "/", "%", "{", "}", "\"", "'", " ", "=", ".", "-", "_", "ü", "中", "☺", "😀", "\\", "d3", "ct1."];

    /// <summary>Ids of 1 to 12 pieces from a hostile but grammar-valid alphabet.</summary>
    public static readonly Gen<string> Id =
        Gen.OneOf(IdPieces).Array[1, 12].Select(parts => string.Concat(parts));

    /// <summary>Ids from a tiny domain, so two independent draws are often equal.</summary>
    public static readonly Gen<string> SmallId = Gen.OneOf("a", "b", "a:b", "a b");

    /// <summary>Scalar attribute values of every kind Cerbos sees, including look-alikes ("1" vs 1.0, "true" vs true).</summary>
    public static readonly Gen<object?> Scalar = Gen.OneOf<object?>(
        Gen.Const((object?)null),
        Gen.Bool.Select(b => (object?)b),
        Gen.OneOf(0.0, 1.0, -1.0, 0.1, 1e300).Select(d => (object?)d),
        Gen.OneOf("", "1", "true", "null", "a", "a:b").Select(s => (object?)s));

    /// <summary>Attribute values: scalars, lists and nested maps (two levels).</summary>
    public static readonly Gen<object?> Value = Gen.Frequency<object?>(
        (6, Scalar),
        (1, Scalar.List[0, 3].Select(l => (object?)l)),
        (1, SmallId.Dictionary(Scalar)[0, 3].Select(d => (object?)new Dictionary<string, object?>(d, StringComparer.Ordinal))));

    /// <summary>Attribute maps over a small key domain.</summary>
    public static readonly Gen<Dictionary<string, object?>> Attributes =
        Gen.OneOf("tenant_id", "owner", "level", "a", "b").Dictionary(Value)[0, 4]
            .Select(d => new Dictionary<string, object?>(d, StringComparer.Ordinal));

    /// <summary>The same entries inserted in another order (map equality must not depend on it).</summary>
    public static Dictionary<string, object?> Reordered(Dictionary<string, object?> map, int seed)
    {
        var entries = map.ToList();
        var random = new Random(seed);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries));
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            copy[key] = value is Dictionary<string, object?> nested ? Reordered(nested, seed + 1) : value;
        }

        return copy;
    }
}
