using AuthzService.Core.Decisions;
using AuthzService.Core.Principals;
using AuthzService.Infrastructure;
using AuthzService.IntegrationTests.Cerbos;
using AuthzService.IntegrationTests.Postgres;
using AuthzService.IntegrationTests.Service;
using Microsoft.AspNetCore.Builder;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// The real service for wire-level tests: the production host with the interop <c>grpc.testing.TestService</c>
/// and <c>test.v1.Probe</c> mapped beside our services, and every principal load for <see cref="GuardedTenant"/>
/// counted (a malformed request for it must never reach CheckResources' handler, which always loads one).
/// </summary>
internal static class WireService
{
    /// <summary>The tenant of every malformed CheckResources the wire tests send.</summary>
    public const string GuardedTenant = "guarded";

    public const string CheckPath = "/authz.v1.AuthorizationService/CheckResources";
    public const string HealthPath = "/grpc.health.v1.Health/Check";
    public const string UnaryCallPath = "/grpc.testing.TestService/UnaryCall";

    public static async Task<(AuthzServiceInstance Service, GuardedLoads Loads)> StartAsync(
        string name, TestContext context, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var loads = new GuardedLoads();
        var database = await PostgresAssemblyFixture.CreateDatabaseAsync(name, context.CancellationToken);
        var service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await CerbosServerFixture.GetSharedAsync())
            {
                Overrides = overrides,
                ConfigureApp = app =>
                {
                    app.MapGrpcService<InteropTestService>();
                    app.MapGrpcService<ProbeService>();
                },
                ConfigureServices = services => services.Decorate<IPrincipalSource>((_, inner) => new CountingPrincipalSource(inner, loads)),
            },
            context.CancellationToken);
        return (service, loads);
    }

    /// <summary>How many principals of <see cref="GuardedTenant"/> were loaded.</summary>
    public sealed class GuardedLoads
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        internal void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CountingPrincipalSource(IPrincipalSource inner, GuardedLoads loads) : IPrincipalSource
    {
        public ValueTask<PrincipalBuildResult> GetAsync(RequestedPrincipal request, Freshness freshness, CancellationToken cancellationToken)
        {
            if (request.TenantId == GuardedTenant)
            {
                loads.Add();
            }

            return inner.GetAsync(request, freshness, cancellationToken);
        }
    }
}
