namespace AuthzService.Client;

/// <summary>One problem with one request field, as AuthzService reported it in an INVALID_ARGUMENT status.</summary>
/// <param name="Field">The field path, e.g. <c>resources[0].actions</c>; empty when the service named no field.</param>
/// <param name="Message">What is wrong with it, e.g. <c>must have 1 to 50 entries</c>.</param>
public sealed record AuthzFieldError(string Field, string Message)
{
    /// <summary>The error as the service wrote it: <c>field: message</c>.</summary>
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}
