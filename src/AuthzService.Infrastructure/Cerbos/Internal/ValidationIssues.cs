using AuthzService.Core.Decisions;
using ValidationError = Cerbos.Api.V1.Schema.ValidationError;

namespace AuthzService.Infrastructure.Cerbos.Internal;

internal static class ValidationIssues
{
    public static IReadOnlyList<ValidationIssue> Map(IEnumerable<ValidationError> errors) =>
        [.. errors.Select(e => new ValidationIssue(e.Path, e.Message, Source(e.Source)))];

    private static string Source(ValidationError.Types.Source source) => source switch
    {
        ValidationError.Types.Source.Principal => "principal",
        ValidationError.Types.Source.Resource => "resource",
        _ => "unspecified",
    };
}
