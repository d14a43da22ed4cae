using AuthzService.Api.Audit;
using AuthzService.Api.Serving;
using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Security;

/// <summary>
/// Who is calling, and may they call this method? The first interceptor of every call after the shutdown gate.
/// On the TLS listener the handshake has verified the certificate; every call judges it again (still valid now,
/// still chaining to the current caller CA bundle: UNAUTHENTICATED otherwise, and the connection is asked to
/// close with a GOAWAY so the client reconnects with its current certificate), then checks the identity against
/// the allow-list (PERMISSION_DENIED when not allowed, UNAUTHENTICATED when there is no usable identity). The
/// health listener serves only <c>grpc.health.v1.Health</c>: reflection and everything else are refused there; the
/// AuthZEN listener serves no gRPC call (its HTTP endpoints come through here as <see cref="HttpServerCallContext"/>).
/// The method is the one Grpc.AspNetCore routed the call to (<see cref="ServerCallContext.Method"/>, from the
/// generated descriptor), never the raw path.
/// </summary>
internal sealed class CallerAuthenticationInterceptor(
    CallerAllowList allowList, ClientCertificateValidator validator, AuditTrail audit, IOptions<AuthOptions> options) : AdmissionInterceptor
{
    private static readonly CallerIdentityFeature s_plaintext = new(CallerIdentity.Plaintext);
    private readonly bool _allowPlaintext = options.Value.AllowPlaintext;

    protected override void Admit(object? request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var httpContext = context.GetHttpContext();
        var method = context.Method;
        if (httpContext.Features.Get<HealthOnlyListenerFeature>() is not null)
        {
            if (CallerAllowList.ServiceOf(method) == CallerAllowList.HealthService)
            {
                return;
            }

            audit.AuthorizationFailed("health_listener_only", "health-listener", method, Peer(httpContext));
            throw Refused(StatusCode.PermissionDenied, "This listener serves only grpc.health.v1.Health.");
        }

        // The AuthZEN listener runs our decision methods only on behalf of its HTTP endpoints (InProcessPipeline),
        // never as gRPC calls of their own.
        if (httpContext.Features.Get<HttpApiListenerFeature>() is not null && context is not HttpServerCallContext)
        {
            audit.AuthorizationFailed("http_listener_only", "http-listener", method, Peer(httpContext));
            throw Refused(StatusCode.PermissionDenied, "This listener serves only the AuthZEN HTTP API.");
        }

        if (!httpContext.Request.IsHttps)
        {
            if (!_allowPlaintext)
            {
                // Only reachable if someone adds a plaintext endpoint by hand: start-up refuses the documented ones.
                audit.AuthenticationFailed("plaintext_not_allowed", Peer(httpContext), null, method);
                throw Refused(StatusCode.Unauthenticated, "Plaintext calls are not accepted; use TLS with a client certificate.");
            }

            httpContext.Features.Set(s_plaintext);
            return;
        }

        // Filled in by the TLS handshake of this listener (GrpcListenerTls); without it nothing was verified.
        if (httpContext.Features.Get<CallerConnection>() is not { Certificate: not null } connection)
        {
            audit.AuthenticationFailed("no_client_certificate", Peer(httpContext), null, method);
            throw Refused(StatusCode.Unauthenticated, "A client certificate is required.");
        }

        if (validator.Revalidate(connection) is { } failure)
        {
            audit.AuthenticationFailed(failure, Peer(httpContext), connection.Identity?.Name, ClientCertificateValidator.EstablishedConnectionDetail);
            // GOAWAY: calls in flight finish, and the client's next call opens a connection with a fresh handshake.
            httpContext.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            throw Refused(
                StatusCode.Unauthenticated,
                "The client certificate is no longer acceptable (expired, or its CA is no longer trusted); reconnect with a valid certificate.");
        }

        if (connection.Identity is not { } identity)
        {
            audit.AuthenticationFailed("no_identity_in_certificate", Peer(httpContext), null, method);
            throw Refused(StatusCode.Unauthenticated, "The client certificate carries no URI or DNS subject alternative name.");
        }

        if (!allowList.IsAllowed(identity.Name, method))
        {
            audit.AuthorizationFailed("not_on_allow_list", identity.Name, method, Peer(httpContext));
            throw Refused(StatusCode.PermissionDenied, $"Caller '{identity.Name}' may not call {method}.");
        }

        httpContext.Features.Set(new CallerIdentityFeature(identity));
    }

    // Formatted only when a call is refused: the accepted path never needs it.
    private static string Peer(HttpContext httpContext) =>
        httpContext.Connection.RemoteIpAddress is { } ip
            ? $"{ip}:{httpContext.Connection.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : "unknown";

    private static RpcException Refused(StatusCode code, string message) => new(new Status(code, message));
}
