using FluentValidation;
using Grpc.Core;

namespace AuthzService.Api.Validation;

/// <summary>Runs a request's validator and turns every failure into one INVALID_ARGUMENT naming each field.</summary>
internal static class RequestValidation
{
    public static void ThrowIfInvalid<T>(this IValidator<T> validator, T request)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var result = validator.Validate(request);
        if (result.IsValid)
        {
            return;
        }

        var message = string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"));
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));
    }
}
