using System.Collections;
using System.Globalization;
using System.Text;

namespace AuthzService.Api.Audit;

/// <summary>
/// The state of one audit event: the raw field values as named properties (what structured sinks and the
/// JSON formatter write), plus <c>{OriginalFormat}</c>; its text is the event name followed by
/// <c>label=value</c> pairs in which any value that is not plain text is quoted and escaped.
/// </summary>
/// <remarks>
/// Quoting rule (logfmt): a value made only of printable ASCII other than space, <c>"</c>, <c>=</c> and
/// <c>\</c> is written bare; anything else (including the empty value) is written in double quotes with
/// <c>"</c>, <c>\</c>, newlines and tabs backslash-escaped, and control characters, format characters
/// (bidi controls, zero-width characters), line separators, private-use and unassigned code points written
/// as <c>\uXXXX</c> (<c>\UXXXXXXXX</c> beyond the BMP). So every value ends where it appears to end, and what
/// a terminal shows is what the value holds.
/// </remarks>
internal sealed class AuditEvent : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly Func<AuditEvent, Exception?, string> s_formatter = (state, _) => state.ToString();

    private readonly Shape _shape;
    private readonly string[] _values;

    private AuditEvent(Shape shape, string[] values)
    {
        _shape = shape;
        _values = values;
    }

    public int Count => _values.Length + 1;

    public KeyValuePair<string, object?> this[int index] => index == _values.Length
        ? new KeyValuePair<string, object?>("{OriginalFormat}", _shape.OriginalFormat)
        : new KeyValuePair<string, object?>(_shape.Properties[index], _values[index]);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        var text = new StringBuilder(_shape.Name.Length + (_values.Length * 24));
        text.Append(_shape.Name);
        for (var i = 0; i < _values.Length; i++)
        {
            text.Append(' ').Append(_shape.Labels[i]).Append('=');
            AppendValue(text, _values[i]);
        }

        return text.ToString();
    }

    /// <summary>Appends <paramref name="value"/> bare or quoted and escaped, per the rule in the remarks.</summary>
    internal static void AppendValue(StringBuilder text, string? value)
    {
        value ??= string.Empty;
        if (value.Length > 0 && value.All(IsBare))
        {
            text.Append(value);
            return;
        }

        text.Append('"');
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (MustEscape(rune))
                    {
                        text.Append(rune.IsBmp ? "\\u" : "\\U")
                            .Append(rune.Value.ToString(rune.IsBmp ? "X4" : "X8", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(utf16[..rune.EncodeToUtf16(utf16)]);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static bool IsBare(char c) => c is > ' ' and < '\u007F' and not ('"' or '=' or '\\');

    private static bool MustEscape(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>One kind of audit event: its id, name, and the (label, property) of each field in order.</summary>
    internal sealed class Shape
    {
        public Shape(EventId id, string name, params (string Label, string Property)[] fields)
        {
            Id = id;
            Name = name;
            Labels = [.. fields.Select(f => f.Label)];
            Properties = [.. fields.Select(f => f.Property)];
            OriginalFormat = name + string.Concat(fields.Select(f => $" {f.Label}={{{f.Property}}}"));
        }

        public EventId Id { get; }

        public string Name { get; }

        public string[] Labels { get; }

        public string[] Properties { get; }

        /// <summary>The message template, as [LoggerMessage] would have recorded it.</summary>
        public string OriginalFormat { get; }

        public void Write(ILogger logger, LogLevel level, string[] values)
        {
            if (logger.IsEnabled(level))
            {
                logger.Log(level, Id, new AuditEvent(this, values), null, s_formatter);
            }
        }
    }
}
