using System.Collections.Concurrent;
using FluentValidation;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace AuthzService.Api.Validation;

/// <summary>
/// Every request that has a validator (<c>IValidator&lt;TRequest&gt;</c> in DI) is validated before its handler
/// runs: INVALID_ARGUMENT naming every bad field, and the handler never sees it. Requests without a validator
/// (health, reflection) pass unchanged.
/// </summary>
internal sealed class ValidationInterceptor(IServiceProvider services) : Interceptor
{
    private readonly ConcurrentDictionary<Type, object?> _validators = new();

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ValidatorOf<TRequest>()?.ThrowIfInvalid(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ValidatorOf<TRequest>()?.ThrowIfInvalid(request);
        return continuation(request, responseStream, context);
    }

    private IValidator<T>? ValidatorOf<T>() =>
        (IValidator<T>?)_validators.GetOrAdd(typeof(T), static (_, sp) => sp.GetService<IValidator<T>>(), services);
}
