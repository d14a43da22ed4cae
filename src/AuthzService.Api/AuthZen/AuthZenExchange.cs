using System.Text;
using System.Text.Json;
using AuthzService.Api.Audit;
using AuthzService.Api.Security;
using AuthzService.Api.Serving;
using AuthzService.Contracts.V1;
using AuthzService.Core.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// What every AuthZEN request goes through before its endpoint's own work, and how answers are written: only on
/// the AuthZEN listener (404 elsewhere), <c>X-Request-ID</c> echoed, the caller stage of the shared pipeline (shutdown
/// gate, authentication and allow-list, caller limit) as for a CheckResources call, then the JSON body within the
/// gRPC size limit. Errors are the status code with a plain-text message naming the field (the spec's "error message
/// string"); an unexpected exception is a 500 whose text never reaches the caller.
/// </summary>
internal sealed partial class AuthZenExchange(InProcessPipeline pipeline, IOptions<GrpcServerOptions> grpcOptions, ILogger<AuthZenExchange> logger)
{
    public const string RequestIdHeader = "X-Request-ID";

    /// <summary>
    /// The challenge of every 401 (RFC 9110 section 11.6.1 requires one): callers authenticate with a TLS client
    /// certificate, for which no HTTP authentication scheme is registered, so the scheme names it (<c>mTLS</c>) and the
    /// realm names the API; a PEP answers it by reconnecting with a valid certificate, not with an Authorization header.
    /// </summary>
    public const string Challenge = "mTLS realm=\"authzen\"";

    /// <summary>How request bodies are parsed (the fuzz target parses with the same options).</summary>
    internal static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private readonly long _maxBody = grpcOptions.Value.MaxReceiveMessageSize;

    /// <summary>Runs <paramref name="endpoint"/> for an AuthZEN request named <paramref name="api"/> (e.g. <c>POST /access/v1/evaluation</c>).</summary>
    public async Task RunAsync(HttpContext httpContext, string api, Func<AuthZenCall, Task> endpoint)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (httpContext.Features.Get<HttpApiListenerFeature>() is null)
        {
            httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var requestId = httpContext.Request.Headers[RequestIdHeader].ToString();
        if (requestId.Length > 0)
        {
            if (!requestId.All(c => c is >= ' ' and <= '~'))
            {
                // Not echoed: it could not be written back as it came.
                await WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"{RequestIdHeader}: must be printable ASCII");
                return;
            }

            httpContext.Response.Headers[RequestIdHeader] = requestId;
            if (requestId.Length > Validation.RequestLimits.MaxIdLength)
            {
                await WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"{RequestIdHeader}: must be at most {Validation.RequestLimits.MaxIdLength} characters");
                return;
            }
        }

        httpContext.Features.Set(new HttpApiCallFeature("AuthZEN " + api));
        try
        {
            await pipeline.AdmitCallerAsync(new CheckResourcesRequest(), new HttpServerCallContext(httpContext, AuthZenDecider.CheckMethod));
            var pathTenant = AuthZenPathTenant.Read(httpContext, out var pathError);
            if (pathError is not null)
            {
                await WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, pathError);
                return;
            }

            await endpoint(new AuthZenCall(httpContext, requestId, pathTenant));
        }
        catch (RpcException ex)
        {
            await WriteErrorAsync(httpContext, ex, false);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (Exception ex)
        {
            Failed(logger, api, ex);
            if (!httpContext.Response.HasStarted)
            {
                await WriteErrorAsync(httpContext, StatusCodes.Status500InternalServerError, AuthZenErrors.InternalMessage);
            }
        }
    }

    /// <summary>The request body as a JSON object, or null after writing the error (415, 413 or 400 naming <c>body</c>).</summary>
    public async Task<JsonDocument?> ReadBodyAsync(HttpContext httpContext)
    {
        if (!IsJson(httpContext.Request.ContentType))
        {
            await WriteErrorAsync(httpContext, StatusCodes.Status415UnsupportedMediaType, "Content-Type: must be application/json");
            return null;
        }

        if (httpContext.Request.ContentLength > _maxBody)
        {
            await WriteErrorAsync(httpContext, StatusCodes.Status413PayloadTooLarge, $"body: must be at most {_maxBody} bytes");
            return null;
        }

        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _maxBody;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(httpContext.Request.Body, JsonOptions, httpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteErrorAsync(httpContext, StatusCodes.Status413PayloadTooLarge, $"body: must be at most {_maxBody} bytes");
            return null;
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
            await WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"body: is not valid JSON{where}");
            return null;
        }
        catch (InvalidOperationException ex) when (IsUnreadableMemberName(ex))
        {
            await WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, $"body: has a member name that {JsonUnicode.Rule}");
            return null;
        }

        if (BodyProblem(document) is { } problem)
        {
            await WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, problem);
            document.Dispose();
            return null;
        }

        return document;
    }

    /// <summary>
    /// The duplicate-member check of <see cref="JsonOptions"/> reads every member name, and throws
    /// <see cref="InvalidOperationException"/> (not <see cref="JsonException"/>) on one that has no text, e.g.
    /// <c>{"\udc00":1}</c> (found by fuzzing, issue 14 point 4): a malformed body like any other.
    /// </summary>
    internal static bool IsUnreadableMemberName(InvalidOperationException exception) =>
        exception?.Source?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true;

    /// <summary>
    /// Why a parsed body cannot be read as a request (not an object; a string or member name with no text, which
    /// <see cref="JsonDocument"/> accepts and only reading would throw on), naming where; null when it can.
    /// </summary>
    internal static string? BodyProblem(JsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"body: must be a JSON object (got {AuthZenRequestReader.Kind(root)})";
        }

        return JsonUnicode.FindUnreadable(root) switch
        {
            null => null,
            { IsName: true, Path: var path } => $"{(path.Length == 0 ? "body" : path)}: has a member name that {JsonUnicode.Rule}",
            { Path: var path } => $"{path}: {JsonUnicode.Rule}",
        };
    }

    public static Task WriteErrorAsync(HttpContext httpContext, RpcException exception, bool tenantFromPath)
    {
        if (AuthZenErrors.RetryAfterOf(exception) is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = retryAfter;
        }

        return WriteErrorAsync(httpContext, AuthZenErrors.HttpStatusOf(exception.StatusCode), AuthZenErrors.MessageOf(exception, tenantFromPath));
    }

    public static Task WriteErrorAsync(HttpContext httpContext, AuthZenResult error) =>
        WriteErrorAsync(httpContext, error.ErrorStatus ?? StatusCodes.Status500InternalServerError, error.ErrorMessage ?? AuthZenErrors.InternalMessage, error.RetryAfter);

    public static async Task WriteErrorAsync(HttpContext httpContext, int status, string message, string? retryAfter = null)
    {
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = Challenge;
        }

        if (retryAfter is not null)
        {
            httpContext.Response.Headers.RetryAfter = retryAfter;
        }

        httpContext.Response.ContentType = "text/plain; charset=utf-8";
        await httpContext.Response.WriteAsync(message, Encoding.UTF8, httpContext.RequestAborted);
    }

    /// <summary>A 200 with a JSON body written by <paramref name="write"/>.</summary>
    public static async Task WriteJsonAsync(HttpContext httpContext, Action<Utf8JsonWriter> write)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        await using (var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter))
        {
            write(writer);
        }

        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(6511, LogLevel.Error, "AuthZEN {Api} failed; the caller sees a generic 500")]
    private static partial void Failed(ILogger logger, string api, Exception exception);
}

/// <summary>One AuthZEN request once admitted: its HttpContext, its <c>X-Request-ID</c> ("" if none) and the tenant of its path, if any.</summary>
internal sealed record AuthZenCall(HttpContext HttpContext, string RequestId, string? PathTenant);
