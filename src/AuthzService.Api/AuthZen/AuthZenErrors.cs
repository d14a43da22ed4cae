using System.Globalization;
using System.Text.RegularExpressions;
using AuthzService.Api.RateLimiting;
using Grpc.Core;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// What a refused or failed decision call becomes over HTTP: the status code AuthZEN's transport binding names
/// (400, 401, 403; 429 and 503/504 for limits and outages) and a message naming each bad field by its AuthZEN
/// name. Never a decision: whoever sees one of these has no permit.
/// </summary>
internal static partial class AuthZenErrors
{
    public const string InternalMessage = "Internal error; no decision was made.";

    /// <summary>The HTTP status for a gRPC status of the shared pipeline.</summary>
    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.Cancelled => StatusCodes.Status499ClientClosedRequest,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The message a caller sees: field names of CheckResources translated to AuthZEN's; internals never.</summary>
    public static string MessageOf(RpcException exception, bool tenantFromPath)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = exception.StatusCode;
        if (HttpStatusOf(code) == StatusCodes.Status500InternalServerError)
        {
            return InternalMessage;
        }

        var detail = exception.Status.Detail;
        return code is StatusCode.InvalidArgument ? Translate(detail, tenantFromPath) : detail;
    }

    /// <summary>Seconds to wait before retrying a rate-limited call (the <c>Retry-After</c> header), from the pipeline's trailer.</summary>
    public static string? RetryAfterOf(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var milliseconds = exception.Trailers.GetValue(RateLimitStatus.RetryAfterTrailer);
        return milliseconds is not null && long.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? Math.Max(1, (ms + 999) / 1000).ToString(CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>"principal_id: is required; resources[0].resource.kind: ..." as AuthZEN names the fields.</summary>
    /// <remarks>
    /// <paramref name="withFacts"/>: the principal context also carries the request's <c>context</c> and
    /// <c>action.properties</c> (decision 45), so its bounds are theirs too and the message names all three.
    /// </remarks>
    internal static string Translate(string detail, bool tenantFromPath, bool withFacts = false) =>
        string.Join("; ", detail.Split("; ").Select(part =>
        {
            var colon = part.IndexOf(": ", StringComparison.Ordinal);
            return colon <= 0 ? part : FieldName(part[..colon], tenantFromPath, withFacts) + part[colon..];
        }));

    private static string FieldName(string name, bool tenantFromPath, bool withFacts)
    {
        var match = ResourceField().Match(name);
        if (match.Success)
        {
            return match.Groups["field"].Value switch
            {
                "resource.kind" => "resource.type",
                "resource.id" => "resource.id",
                "resource.attr" => "resource.properties",
                "resource.policy_version" => "resource",
                "resource" => "resource",
                "actions" => "action.name",
                var other => other,
            };
        }

        return name switch
        {
            "request_id" => "X-Request-ID",
            "tenant_id" => tenantFromPath ? "tenant_id (path)" : "subject.properties.tenant_id",
            "team_id" => "subject.properties.team_id",
            "principal_id" => "subject.id",
            "principal_context" => withFacts ? "subject.properties, context and action.properties (together)" : "subject.properties",
            "resources" => "evaluations",
            _ => name,
        };
    }

    [GeneratedRegex(@"^resources\[\d+\]\.(?<field>.+)$")]
    private static partial Regex ResourceField();
}
