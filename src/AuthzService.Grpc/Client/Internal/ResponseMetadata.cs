using System.Globalization;
using System.Net.Http.Headers;
using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>Reads status and metadata out of HTTP response headers and trailers.</summary>
internal static class ResponseMetadata
{
    public const string RetryPushbackHeader = "grpc-retry-pushback-ms";

    /// <summary>The status in <c>grpc-status</c>/<c>grpc-message</c>, or null when there is no <c>grpc-status</c>.</summary>
    public static Status? ReadStatus(HttpHeaders headers)
    {
        var code = FirstValue(headers, GrpcProtocolConstants.StatusTrailer);
        if (code is null)
        {
            return null;
        }

        var message = FirstValue(headers, GrpcProtocolConstants.MessageTrailer);
        var detail = message is null ? string.Empty : PercentEncoding.Decode(message);
        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return new Status(StatusCode.Unknown, $"Invalid grpc-status '{code}'. {detail}".TrimEnd());
        }

        // Codes outside the known range are kept as numbers: statuscodes.md says clients pass them on.
        return new Status((StatusCode)value, detail);
    }

    /// <summary>Custom metadata: everything except reserved <c>grpc-</c> and pseudo headers.</summary>
    public static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            var key = name.ToLowerInvariant();
            if (IsProtocolHeader(key) || !MetadataEncoding.IsValidKey(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (MetadataEncoding.IsBinaryKey(key))
                {
                    // Several values of one key may arrive joined by commas.
                    foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (TryDecodeBinary(part, out var bytes))
                        {
                            metadata.Add(key, bytes);
                        }
                    }
                }
                else
                {
                    metadata.Add(key, value);
                }
            }
        }

        return metadata;
    }

    /// <summary>
    /// Server pushback (gRFC A6): null when absent, a delay when valid, and
    /// <see cref="Timeout.InfiniteTimeSpan"/> when present but negative or malformed, which forbids a retry.
    /// </summary>
    public static TimeSpan? ReadRetryPushback(HttpHeaders headers)
    {
        var value = FirstValue(headers, RetryPushbackHeader);
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : Timeout.InfiniteTimeSpan;
    }

    private static bool IsProtocolHeader(string key) =>
        key is GrpcProtocolConstants.StatusTrailer or GrpcProtocolConstants.MessageTrailer
            or GrpcProtocolConstants.MessageEncodingHeader or GrpcProtocolConstants.MessageAcceptEncodingHeader
            or RetryPushbackHeader or "content-type" or "te"
        || key.StartsWith(':');

    private static string? FirstValue(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.First() : null;

    private static bool TryDecodeBinary(string value, out byte[] bytes)
    {
        try
        {
            bytes = MetadataEncoding.DecodeBinary(value);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
