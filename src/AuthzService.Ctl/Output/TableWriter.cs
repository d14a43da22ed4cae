using System.Text;
using System.Text.RegularExpressions;

namespace AuthzService.Ctl.Output;

/// <summary>Left-aligned columns separated by two spaces; colour codes do not count towards widths.</summary>
internal sealed partial class TableWriter
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TableWriter(params string[] headers)
    {
        _headers = headers;
    }

    public int RowCount => _rows.Count;

    public void AddRow(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"Expected {_headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = _headers.Select((h, i) => _rows.Select(r => VisibleLength(r[i])).Prepend(h.Length).Max()).ToArray();
        writer.WriteLine(Format(_headers, widths));
        foreach (var row in _rows)
        {
            writer.WriteLine(Format(row, widths));
        }
    }

    private static string Format(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(cells[i]);
            if (i < cells.Length - 1)
            {
                line.Append(' ', widths[i] - VisibleLength(cells[i]) + 2);
            }
        }

        return line.ToString().TrimEnd();
    }

    private static int VisibleLength(string text) => AnsiCodes().Replace(text, string.Empty).Length;

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiCodes();
}
