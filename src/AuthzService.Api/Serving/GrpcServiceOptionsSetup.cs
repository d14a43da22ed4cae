using AuthzService.Api.Audit;
using AuthzService.Api.Lifecycle;
using AuthzService.Api.RateLimiting;
using AuthzService.Api.Security;
using AuthzService.Api.Validation;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Serving;

/// <summary>
/// Grpc.AspNetCore's options from ours (<c>Grpc:Server</c>): size limits, gzip (corrupt data INTERNAL),
/// detailed errors off (exception text never reaches a caller), and the interceptors every call runs through.
/// </summary>
internal sealed class GrpcServiceOptionsSetup(IOptions<GrpcServerOptions> options) : IConfigureOptions<GrpcServiceOptions>
{
    public void Configure(GrpcServiceOptions grpc)
    {
        ArgumentNullException.ThrowIfNull(grpc);
        var ours = options.Value;
        grpc.MaxReceiveMessageSize = ours.MaxReceiveMessageSize;
        grpc.MaxSendMessageSize = ours.MaxSendMessageSize;
        grpc.ResponseCompressionAlgorithm = ours.ResponseCompressionAlgorithm;
        grpc.CompressionProviders = [new StrictGzipCompressionProvider()];
        grpc.EnableDetailedErrors = false;

        // In this order, the first outermost (the reasons are in docs/architecture.md, "How a call is served"):
        grpc.Interceptors.Add<ShutdownGateInterceptor>();          // shutting down: UNAVAILABLE (health still answers)
        grpc.Interceptors.Add<CallerAuthenticationInterceptor>();  // who calls, certificate still good, allow-list
        grpc.Interceptors.Add<AdminAuditInterceptor>();            // admin calls audited with their final status, refusals too
        grpc.Interceptors.Add<CallerRateLimitInterceptor>();       // the caller's budget, before the request is looked at
        grpc.Interceptors.Add<CallerTenantInterceptor>();          // tenant binding: no spending another tenant's budget
        grpc.Interceptors.Add<TenantRateLimitInterceptor>();       // the tenant's budget (valid tenant ids only)
        grpc.Interceptors.Add<DeadlineBoundInterceptor>();         // Grpc:Server:MaxDeadline
        grpc.Interceptors.Add<ValidationInterceptor>();            // INVALID_ARGUMENT naming every bad field
        grpc.Interceptors.Add<StatusMappingInterceptor>();         // domain exceptions, deadline, cancellation -> statuses
        grpc.Interceptors.Add<DecisionAuditInterceptor>();         // one audit event per decision, from Core's outcome
    }
}
