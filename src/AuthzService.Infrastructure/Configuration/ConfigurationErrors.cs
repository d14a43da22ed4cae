namespace AuthzService.Infrastructure.Configuration;

/// <summary>Collects configuration problems, each naming its key in both forms (Section:Key and Section__Key).</summary>
public sealed class ConfigurationErrors
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) =>
        _errors.Add($"{key} (env {key.Replace(":", "__", StringComparison.Ordinal)}): {problem}");

    public Microsoft.Extensions.Options.ValidateOptionsResult ToResult() =>
        _errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(_errors);

    /// <summary>A file setting must name a readable file.</summary>
    public void RequireReadableFile(string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            Add(key, "is required");
            return;
        }

        try
        {
            using var stream = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Add(key, $"cannot read '{path}': {ex.GetType().Name}");
        }
    }
}
