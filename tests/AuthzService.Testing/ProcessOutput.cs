using System.Diagnostics;
using System.Text;

namespace AuthzService.Testing;

/// <summary>Collects a child process's stdout and stderr so a failing test can show them.</summary>
internal sealed class ProcessOutput
{
    private const int MaxChars = 64 * 1024;
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            // Keep the tail: the reason a server failed is usually the last thing it said.
            if (_text.Length > MaxChars)
            {
                _text.Remove(0, _text.Length - (MaxChars / 2));
            }

            _text.AppendLine(line);
        }
    }
}
