using System.Collections.Concurrent;
using System.Reflection;
using AuthzService.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// Counts every call made through one or more service interfaces (by method name), e.g. every read of
/// the directory, by decorating the registrations the service already has.
/// </summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int Total => _calls.Values.Sum();

    public IReadOnlyDictionary<string, int> ByMethod => _calls;

    public override string ToString() => string.Join(", ", _calls.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>Wraps the last registration of <typeparamref name="T"/> so every call through it is counted.</summary>
    public CallCounter Decorate<T>(IServiceCollection services)
        where T : class
    {
        services.Decorate<T>((_, inner) => Proxy<T>.Create(inner, this));
        return this;
    }

    private void Count(string method) => _calls.AddOrUpdate(method, 1, (_, n) => n + 1);

#pragma warning disable CA1812, CA1852 // Created (and derived from) by DispatchProxy.Create, which needs an unsealed type.
    internal class Proxy<T> : DispatchProxy
#pragma warning restore CA1812, CA1852
        where T : class
    {
        private T _inner = null!;
        private CallCounter _counter = null!;

        public static T Create(T inner, CallCounter counter)
        {
            var proxy = DispatchProxy.Create<T, Proxy<T>>();
            var self = (Proxy<T>)(object)proxy;
            self._inner = inner;
            self._counter = counter;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            _counter.Count($"{typeof(T).Name}.{targetMethod.Name}");
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }
}
