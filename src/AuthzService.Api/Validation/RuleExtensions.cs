using System.Text.RegularExpressions;
using FluentValidation;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.Validation;

/// <summary>Rules shared by every request validator, so ids and attributes are judged the same everywhere.</summary>
internal static partial class RuleExtensions
{
    /// <summary>A required id: 1 to 128 characters, no control characters.</summary>
    public static IRuleBuilderOptions<T, string> ValidId<T>(this IRuleBuilderInitial<T, string> rule) =>
        rule.Cascade(CascadeMode.Stop).NotEmpty().WithMessage("is required")
            .Must(BeValidIdText).WithMessage("must be at most 128 characters with no control characters");

    /// <summary>An optional id: empty, or valid as <see cref="ValidId{T}"/>.</summary>
    public static IRuleBuilderOptions<T, string> OptionalId<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(v => string.IsNullOrEmpty(v) || BeValidIdText(v))
            .WithMessage("must be at most 128 characters with no control characters");

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
            .Must(m => m.Sum(kv => kv.Key.Length + kv.Value.CalculateSize()) <= RequestLimits.MaxAttributeBytes)
            .WithMessage($"must encode to at most {RequestLimits.MaxAttributeBytes} bytes");

    /// <summary>A list of names (actions, roles): a bounded count of valid, distinct ids.</summary>
    public static IRuleBuilderOptions<T, RepeatedField<string>> IdList<T>(this IRuleBuilder<T, RepeatedField<string>> rule, int min, int max) =>
        rule.Must(l => l.Count >= min && l.Count <= max)
            .WithMessage($"must have {min} to {max} entries")
            .Must(l => l.All(BeValidIdText))
            .WithMessage("every entry must be 1 to 128 characters with no control characters")
            .Must(l => l.Distinct(StringComparer.Ordinal).Count() == l.Count)
            .WithMessage("must not contain duplicates");

    public static bool BeValidIdText(string? value) =>
        value is { Length: > 0 and <= RequestLimits.MaxIdLength } && !value.Any(char.IsControl);

    private static int Depth(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StructValue => 1 + (value.StructValue.Fields.Count == 0 ? 0 : value.StructValue.Fields.Values.Max(Depth)),
        Value.KindOneofCase.ListValue => 1 + (value.ListValue.Values.Count == 0 ? 0 : value.ListValue.Values.Max(Depth)),
        _ => 0,
    };

    [GeneratedRegex("^[0-9A-Za-z_]*$")]
    private static partial Regex PolicyVersionPattern();
}
