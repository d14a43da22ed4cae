using AuthzService.Api.Audit;
using AuthzService.Grpc;
using AuthzService.Grpc.Server;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Security;

/// <summary>
/// Who is calling, and may they call this method? Runs before the gRPC endpoint: on the TLS listener
/// the handshake has verified the certificate; every call judges it again (still valid now, still chaining
/// to the current caller CA bundle: UNAUTHENTICATED otherwise, and the connection is asked to close with a
/// GOAWAY so the client reconnects with its current certificate), then checks the identity against the
/// allow-list (PERMISSION_DENIED when not allowed, UNAUTHENTICATED when there is no usable identity). The
/// health listener serves only <c>grpc.health.v1.Health</c>.
/// </summary>
internal sealed class CallerAuthenticationMiddleware(
    RequestDelegate next, CallerAllowList allowList, ClientCertificateValidator validator, AuditTrail audit, IOptions<AuthOptions> options)
{
    private readonly bool _allowPlaintext = options.Value.AllowPlaintext;

    public async Task InvokeAsync(HttpContext httpContext)
    {
        var path = httpContext.Request.Path.Value ?? "/";
        if (httpContext.Features.Get<HealthOnlyListenerFeature>() is not null)
        {
            if (CallerAllowList.ServiceOf(path) == CallerAllowList.HealthService)
            {
                await next(httpContext);
                return;
            }

            audit.AuthorizationFailed("health_listener_only", "health-listener", path, Peer(httpContext));
            await RefuseAsync(httpContext, StatusCode.PermissionDenied, "This listener serves only grpc.health.v1.Health.");
            return;
        }

        if (!httpContext.Request.IsHttps)
        {
            if (!_allowPlaintext)
            {
                // Only reachable if someone adds a plaintext endpoint by hand: start-up refuses the documented ones.
                audit.AuthenticationFailed("plaintext_not_allowed", Peer(httpContext), null, path);
                await RefuseAsync(httpContext, StatusCode.Unauthenticated, "Plaintext calls are not accepted; use TLS with a client certificate.");
                return;
            }

            httpContext.Features.Set(new CallerIdentityFeature(CallerIdentity.Plaintext));
            await next(httpContext);
            return;
        }

        // Filled in by the TLS handshake of this listener (GrpcListenerTls); without it nothing was verified.
        if (httpContext.Features.Get<CallerConnection>() is not { Certificate: not null } connection)
        {
            audit.AuthenticationFailed("no_client_certificate", Peer(httpContext), null, path);
            await RefuseAsync(httpContext, StatusCode.Unauthenticated, "A client certificate is required.");
            return;
        }

        if (validator.Revalidate(connection) is { } failure)
        {
            audit.AuthenticationFailed(failure, Peer(httpContext), connection.Identity?.Name, ClientCertificateValidator.EstablishedConnectionDetail);
            // GOAWAY: calls in flight finish, and the client's next call opens a connection with a fresh handshake.
            httpContext.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            await RefuseAsync(
                httpContext, StatusCode.Unauthenticated,
                "The client certificate is no longer acceptable (expired, or its CA is no longer trusted); reconnect with a valid certificate.");
            return;
        }

        if (connection.Identity is not { } identity)
        {
            audit.AuthenticationFailed("no_identity_in_certificate", Peer(httpContext), null, path);
            await RefuseAsync(httpContext, StatusCode.Unauthenticated, "The client certificate carries no URI or DNS subject alternative name.");
            return;
        }

        if (!allowList.IsAllowed(identity.Name, path))
        {
            audit.AuthorizationFailed("not_on_allow_list", identity.Name, path, Peer(httpContext));
            await RefuseAsync(httpContext, StatusCode.PermissionDenied, $"Caller '{identity.Name}' may not call {path}.");
            return;
        }

        httpContext.Features.Set(new CallerIdentityFeature(identity));
        await next(httpContext);
    }

    // Formatted only when a call is refused: the accepted path never needs it.
    private static string Peer(HttpContext httpContext) =>
        httpContext.Connection.RemoteIpAddress is { } ip
            ? $"{ip}:{httpContext.Connection.RemotePort.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : "unknown";

    private static Task RefuseAsync(HttpContext httpContext, StatusCode code, string message) =>
        GrpcStatusResponse.WriteTrailersOnlyAsync(httpContext, new Status(code, message));
}
