using System.Diagnostics.CodeAnalysis;
using AuthzService.Client.Internal;
using AuthzService.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Client;

/// <summary>
/// Typed client for every AuthzService RPC, on the generated grpc-dotnet clients over one
/// <see cref="GrpcChannel"/> (Grpc.Net.Client). Every call has a deadline (<see cref="DefaultTimeout"/>
/// unless <see cref="WithTimeout"/> says otherwise) and honours cancellation; failures surface as
/// <see cref="AuthzException"/> subtypes. Thread-safe: create one per process (or let
/// <c>services.AddAuthzClient(configuration)</c>
/// do it) and reuse it.
/// </summary>
public sealed partial class AuthzClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;
    private readonly ILogger _logger;
    private readonly AuthorizationService.AuthorizationServiceClient _authorization;
    private readonly MembershipService.MembershipServiceClient _membership;
    private readonly CacheService.CacheServiceClient _cache;
    private readonly Health.HealthClient _health;

    /// <summary>Creates a client and its connection pool from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public AuthzClient(AuthzClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(ChannelFactory.Create(options, loggerFactory), ownsChannel: true, options.DefaultTimeout, new Uri(options.Address!, UriKind.Absolute), loggerFactory)
    {
    }

    private AuthzClient(GrpcChannel channel, bool ownsChannel, TimeSpan timeout, Uri address, ILoggerFactory? loggerFactory)
        : this(channel, ownsChannel, timeout, address, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<AuthzClient>())
    {
    }

    private AuthzClient(GrpcChannel channel, bool ownsChannel, TimeSpan timeout, Uri address, ILogger logger)
    {
        _channel = channel;
        _ownsChannel = ownsChannel;
        DefaultTimeout = timeout;
        Address = address;
        _logger = logger;
        _authorization = new AuthorizationService.AuthorizationServiceClient(channel);
        _membership = new MembershipService.MembershipServiceClient(channel);
        _cache = new CacheService.CacheServiceClient(channel);
        _health = new Health.HealthClient(channel);
    }

    /// <summary>The service address.</summary>
    public Uri Address { get; }

    /// <summary>The deadline every call of this client gets.</summary>
    public TimeSpan DefaultTimeout { get; }

    /// <summary>
    /// A client that shares this one's connections but gives every call <paramref name="timeout"/>
    /// (e.g. a longer one for an admin listing). Disposing it does not close the shared connections.
    /// </summary>
    public AuthzClient WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new AuthzClient(_channel, ownsChannel: false, timeout, Address, _logger);
    }

    /// <summary>Starts a check for <paramref name="principalId"/> acting in <paramref name="tenantId"/>; see <see cref="CheckRequestBuilder"/>.</summary>
    public CheckRequestBuilder Check(string tenantId, string principalId) => new(this, tenantId, principalId);

    /// <summary>Starts a check for <paramref name="principal"/> (tenant, team and context included).</summary>
    public CheckRequestBuilder Check(AuthzPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var builder = new CheckRequestBuilder(this, principal.TenantId, principal.PrincipalId);
        if (!string.IsNullOrEmpty(principal.TeamId))
        {
            builder.InTeam(principal.TeamId);
        }

        foreach (var (key, value) in principal.Context ?? new Dictionary<string, object?>())
        {
            builder.WithContext(key, value);
        }

        return builder;
    }

    /// <summary>
    /// Fail-closed helper: true only when AuthzService explicitly allows <paramref name="action"/>.
    /// Any failure (unreachable, deadline, validation, cancellation, unexpected error) returns false
    /// and is logged with its reason; it throws only for null or empty arguments.
    /// </summary>
    public Task<bool> IsAllowedAsync(string tenantId, string principalId, AuthzResource resource, string action, CancellationToken cancellationToken = default) =>
        IsAllowedAsync(new AuthzPrincipal(tenantId, principalId), resource, action, cancellationToken);

    /// <inheritdoc cref="IsAllowedAsync(string, string, AuthzResource, string, CancellationToken)"/>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Fail closed: every failure is a deny, logged.")]
    public async Task<bool> IsAllowedAsync(AuthzPrincipal principal, AuthzResource resource, string action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentException.ThrowIfNullOrEmpty(action);
        try
        {
            var result = await Check(principal).Resource(resource).Actions(action).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            if (result.Results.Count == 0)
            {
                AuthzClientLog.DecisionMissing(_logger, action, resource.Kind, resource.Id);
                return false;
            }

            var allowed = result.IsAllowed(resource.Kind, resource.Id, action);
            if (!allowed)
            {
                AuthzClientLog.Denied(_logger, action, resource.Kind, resource.Id, principal.PrincipalId, principal.TenantId, result.Results[0].DenyReason);
            }

            return allowed;
        }
        catch (AuthzException ex)
        {
            AuthzClientLog.CheckFailed(_logger, action, resource.Kind, resource.Id, principal.PrincipalId, principal.TenantId, ex.StatusCode, ex.Message);
            return false;
        }
        catch (OperationCanceledException)
        {
            AuthzClientLog.CheckCancelled(_logger, action, resource.Kind, resource.Id, principal.PrincipalId, principal.TenantId);
            return false;
        }
        catch (Exception ex)
        {
            AuthzClientLog.CheckFailedUnexpectedly(_logger, ex, action, resource.Kind, resource.Id, principal.PrincipalId, principal.TenantId);
            return false;
        }
    }

    /// <summary>Decides every action on every resource of the request (<c>AuthorizationService/CheckResources</c>).</summary>
    /// <exception cref="AuthzException">The call failed; see the subtypes for the common statuses.</exception>
    public Task<CheckResourcesResponse> CheckResourcesAsync(CheckResourcesRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(request, _authorization.CheckResourcesAsync, cancellationToken);

    /// <summary>Returns the query plan for filtering lists of one resource kind (<c>AuthorizationService/PlanResources</c>).</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<PlanResourcesResponse> PlanResourcesAsync(PlanResourcesRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(request, _authorization.PlanResourcesAsync, cancellationToken);

    /// <summary>Bumps cached-decision generations (<c>CacheService/Invalidate</c>). Idempotent.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<InvalidateResponse> InvalidateAsync(InvalidateRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(request, _cache.InvalidateAsync, cancellationToken);

    /// <summary>Drops every cached decision of one principal in one tenant.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<InvalidateResponse> InvalidatePrincipalAsync(string tenantId, string principalId, CancellationToken cancellationToken = default) =>
        InvalidateAsync(new InvalidateRequest
        {
            Principal = new InvalidateRequest.Types.PrincipalScope { TenantId = tenantId ?? string.Empty, PrincipalId = principalId ?? string.Empty },
        }, cancellationToken);

    /// <summary>Drops every cached decision of one tenant.</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<InvalidateResponse> InvalidateTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        InvalidateAsync(new InvalidateRequest
        {
            Tenant = new InvalidateRequest.Types.TenantScope { TenantId = tenantId ?? string.Empty },
        }, cancellationToken);

    /// <summary>Drops every cached decision of every tenant (after a policy change).</summary>
    /// <exception cref="AuthzException">The call failed.</exception>
    public Task<InvalidateResponse> InvalidatePoliciesAsync(CancellationToken cancellationToken = default) =>
        InvalidateAsync(new InvalidateRequest { Policies = new InvalidateRequest.Types.PoliciesScope() }, cancellationToken);

    /// <summary>
    /// <c>grpc.health.v1.Health/Check</c> for the whole server (<paramref name="service"/> empty) or one service,
    /// e.g. <c>authz.v1.AuthorizationService</c>. NOT_SERVING while PostgreSQL or Cerbos is unreachable.
    /// </summary>
    /// <exception cref="AuthzException">The call failed (NOT_FOUND for an unknown service name).</exception>
    public async Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(string service = "", CancellationToken cancellationToken = default)
    {
        var response = await CallAsync(
            new HealthCheckRequest { Service = service ?? string.Empty }, _health.CheckAsync, cancellationToken).ConfigureAwait(false);
        return response.Status;
    }

    /// <summary>Closes the connections (only those this client created).</summary>
    public void Dispose()
    {
        if (_ownsChannel)
        {
            _channel.Dispose();
        }
    }

    // Every RPC goes through here: the client's deadline, the caller's token, one place that maps failures.
    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        TRequest request, Func<TRequest, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new CallOptions(deadline: DateTime.UtcNow + DefaultTimeout, cancellationToken: cancellationToken);
        try
        {
            using var pending = call(request, options);
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw AuthzExceptionMapper.Map(ex, cancellationToken);
        }
    }
}
