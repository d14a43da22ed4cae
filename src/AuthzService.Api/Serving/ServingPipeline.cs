using AuthzService.Api.Audit;
using AuthzService.Api.Lifecycle;
using AuthzService.Api.RateLimiting;
using AuthzService.Api.Security;
using AuthzService.Api.Validation;

namespace AuthzService.Api.Serving;

/// <summary>
/// The interceptors every call runs through, in order, the first outermost (the reasons are in docs/architecture.md, "How a call
/// is served"). One list for both front doors: Grpc.AspNetCore gets it in <see cref="GrpcServiceOptionsSetup"/>, and
/// the AuthZEN HTTP endpoints run the same instances through <see cref="InProcessPipeline"/>, so no check, limit or
/// audit can exist on one API and be missing on the other.
/// </summary>
internal static class ServingPipeline
{
    /// <summary>
    /// What concerns the caller, not the request: shutdown gate, authentication and allow-list, the admin audit
    /// (admin methods only) and the caller's budget. None of them reads the request, so AuthZEN runs this stage once
    /// per HTTP request, however many evaluations it carries.
    /// </summary>
    public static readonly Type[] CallerStage =
    [
        typeof(ShutdownGateInterceptor),          // shutting down: UNAVAILABLE (health still answers)
        typeof(CallerAuthenticationInterceptor),  // who calls, certificate still good, allow-list
        typeof(AdminAuditInterceptor),            // admin calls audited with their final status, refusals too
        typeof(CallerRateLimitInterceptor),       // the caller's budget, before the request is looked at
    ];

    /// <summary>What concerns the request: run once per gRPC call, and once per decision call an AuthZEN request makes.</summary>
    public static readonly Type[] RequestStage =
    [
        typeof(CallerTenantInterceptor),          // tenant binding: no spending another tenant's budget
        typeof(TenantRateLimitInterceptor),       // the tenant's budget (valid tenant ids only)
        typeof(DeadlineBoundInterceptor),         // Grpc:Server:MaxDeadline
        typeof(ValidationInterceptor),            // INVALID_ARGUMENT naming every bad field
        typeof(StatusMappingInterceptor),         // domain exceptions, deadline, cancellation -> statuses
        typeof(DecisionAuditInterceptor),         // one audit event per decision, from Core's outcome
    ];
}
