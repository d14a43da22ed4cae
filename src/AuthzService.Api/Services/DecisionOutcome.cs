using Grpc.Core;

namespace AuthzService.Api.Services;

/// <summary>
/// Hands the domain outcome of a decision call from its handler to the interceptors around it (the decision
/// audit needs what Core decided, which the response shows only with <c>include_meta</c>), through the call's
/// <see cref="ServerCallContext.UserState"/>.
/// </summary>
internal static class DecisionOutcome
{
    private static readonly object s_key = new();

    public static void Record<T>(ServerCallContext context, T outcome)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        context.UserState[s_key] = outcome;
    }

    public static T? Of<T>(ServerCallContext context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(s_key, out var outcome) ? outcome as T : null;
    }
}
