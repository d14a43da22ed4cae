namespace AuthzService.Client.Internal;

/// <summary>Splits an INVALID_ARGUMENT message ("tenant_id: is required; resources[0].actions: ...") into field errors.</summary>
internal static class FieldErrorParser
{
    public static IReadOnlyList<AuthzFieldError> Parse(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return [];
        }

        var errors = new List<AuthzFieldError>();
        foreach (var part in message.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(": ", StringComparison.Ordinal);
            // A field path never holds spaces; a colon after one belongs to a free-text message.
            errors.Add(colon > 0 && !part.AsSpan(0, colon).Contains(' ')
                ? new AuthzFieldError(part[..colon], part[(colon + 2)..])
                : new AuthzFieldError(string.Empty, part));
        }

        return errors;
    }
}
