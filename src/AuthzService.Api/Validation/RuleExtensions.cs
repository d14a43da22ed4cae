using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.Validation;

/// <summary>Rules shared by every request validator, so ids and attributes are judged the same everywhere.</summary>
internal static partial class RuleExtensions
{
    /// <summary>Why an id was refused (the start is what callers and tests have always matched on).</summary>
    public const string IdTextRule =
        "must be at most 128 characters with no control characters, format characters (Unicode Cf, e.g. bidi controls) or line separators, and not only spaces";

    /// <summary>A required id: 1 to 128 characters, none of them invisible (see <see cref="BeValidIdText"/>).</summary>
    public static IRuleBuilderOptions<T, string> ValidId<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage("is required")
            .Must(BeValidIdText).WithMessage(IdTextRule);

    /// <summary>An optional id: empty, or valid as <see cref="ValidId{T}"/>.</summary>
    public static IRuleBuilderOptions<T, string> OptionalId<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(v => string.IsNullOrEmpty(v) || BeValidIdText(v))
            .WithMessage(IdTextRule);

    /// <summary>Cerbos policy versions are <c>[0-9A-Za-z_]*</c>.</summary>
    public static IRuleBuilderOptions<T, string> PolicyVersion<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(v => string.IsNullOrEmpty(v) || (v.Length <= RequestLimits.MaxIdLength && PolicyVersionPattern().IsMatch(v)))
            .WithMessage("must match [0-9A-Za-z_]* and be at most 128 characters");

    /// <summary>Attribute maps: bounded key count, key length, nesting depth and encoded size.</summary>
    public static IRuleBuilderOptions<T, MapField<string, Value>> BoundedAttributes<T>(this IRuleBuilder<T, MapField<string, Value>> rule) =>
        rule.Must(m => m.Count <= RequestLimits.MaxAttributeKeys)
            .WithMessage($"must have at most {RequestLimits.MaxAttributeKeys} keys")
            .Must(m => m.Keys.All(k => k.Length is > 0 and <= RequestLimits.MaxAttributeKeyLength && !k.Any(char.IsControl)))
            .WithMessage($"keys must be 1 to {RequestLimits.MaxAttributeKeyLength} characters with no control characters")
            .Must(m => m.Values.All(v => Depth(v) <= RequestLimits.MaxAttributeDepth))
            .WithMessage($"values must nest at most {RequestLimits.MaxAttributeDepth} levels")
            .Must(m => m.Values.All(IsWritable))
            .WithMessage("values must each have a kind (null, number, string, bool, struct or list) and numbers must be finite, at any depth")
            .Must(m => m.Sum(kv => kv.Key.Length + kv.Value.CalculateSize()) <= RequestLimits.MaxAttributeBytes)
            .WithMessage($"must encode to at most {RequestLimits.MaxAttributeBytes} bytes");

    /// <summary>A list of names (actions, roles): a bounded count of valid, distinct ids.</summary>
    public static IRuleBuilderOptions<T, RepeatedField<string>> IdList<T>(this IRuleBuilder<T, RepeatedField<string>> rule, int min, int max) =>
        rule.Must(l => l.Count >= min && l.Count <= max)
            .WithMessage($"must have {min} to {max} entries")
            .Must(l => l.All(BeValidIdText))
            .WithMessage("every entry must be 1 to 128 characters with no control characters, format characters (Unicode Cf, e.g. bidi controls) or line separators, and not only spaces")
            .Must(l => l.Distinct(StringComparer.Ordinal).Count() == l.Count)
            .WithMessage("must not contain duplicates");

    /// <summary>
    /// 1 to 128 UTF-16 code units, with no control characters (Cc), format characters (Cf: bidi embeddings,
    /// overrides and isolates U+202A-U+202E and U+2066-U+2069, zero-width characters, tags...) or line and
    /// paragraph separators, and not white space only. Ids end up in log lines, audit events and operator
    /// screens; these characters are invisible there and can make one id read as another (or reorder the text
    /// around it), and an id of spaces reads as no id. Spaces, '=', quotes and any visible Unicode stay legal
    /// inside an id: ids are data, and the audit text quotes them.
    /// </summary>
    public static bool BeValidIdText(string? value)
    {
        if (value is not { Length: > 0 and <= RequestLimits.MaxIdLength } || string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            if (IsInvisible(rune))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsInvisible(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>
    /// Whether the value can be handed on as JSON (Cerbos, the directory, the audit trail): a Value without a
    /// kind has no JSON form, and a non-finite number has none either; caught here rather than after a decision.
    /// </summary>
    private static bool IsWritable(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.None => false,
        Value.KindOneofCase.NumberValue => double.IsFinite(value.NumberValue),
        Value.KindOneofCase.StructValue => value.StructValue.Fields.Values.All(IsWritable),
        Value.KindOneofCase.ListValue => value.ListValue.Values.All(IsWritable),
        _ => true,
    };

    private static int Depth(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StructValue => 1 + (value.StructValue.Fields.Count == 0 ? 0 : value.StructValue.Fields.Values.Max(Depth)),
        Value.KindOneofCase.ListValue => 1 + (value.ListValue.Values.Count == 0 ? 0 : value.ListValue.Values.Max(Depth)),
        _ => 0,
    };

    [GeneratedRegex("^[0-9A-Za-z_]*$")]
    private static partial Regex PolicyVersionPattern();
}
