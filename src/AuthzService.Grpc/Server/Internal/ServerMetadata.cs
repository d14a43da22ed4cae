using AuthzService.Grpc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>Converts between HTTP/2 header fields and <see cref="Metadata"/> under the S10 rules.</summary>
internal static class ServerMetadata
{
    /// <summary>
    /// The one reserved key a server sets itself (gRPC retry design A6): how long a client's retry
    /// policy should wait, e.g. after a rate limit.
    /// </summary>
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    /// <summary>Request headers that are transport, not metadata.</summary>
    private static readonly HashSet<string> s_transportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "host", "content-length",
    };

    public static Metadata FromRequestHeaders(IHeaderDictionary headers, string path, ILogger logger)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            var key = name.ToLowerInvariant();
            if (MetadataEncoding.IsReservedKey(key) || s_transportHeaders.Contains(key))
            {
                continue;
            }

            if (!MetadataEncoding.IsValidKey(key))
            {
                GrpcServerLog.RequestHeaderIgnored(logger, key, path, "name outside [0-9a-z_.-]");
                continue;
            }

            var binary = MetadataEncoding.IsBinaryKey(key);
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (!binary)
                {
                    metadata.Add(key, value);
                    continue;
                }

                // Several binary values of one key may arrive joined by commas.
                foreach (var part in value.Split(','))
                {
                    try
                    {
                        metadata.Add(key, MetadataEncoding.DecodeBinary(part));
                    }
                    catch (FormatException)
                    {
                        GrpcServerLog.RequestHeaderIgnored(logger, key, path, "value is not base64");
                    }
                }
            }
        }

        return metadata;
    }

    /// <summary>Emits metadata through <paramref name="add"/>; reserved keys and unsendable values are dropped and logged.</summary>
    public static void Write(Metadata metadata, Action<string, string> add, string path, ILogger logger)
    {
        foreach (var entry in metadata)
        {
            if ((MetadataEncoding.IsReservedKey(entry.Key) && entry.Key != RetryPushbackTrailer) || s_transportHeaders.Contains(entry.Key))
            {
                GrpcServerLog.ResponseMetadataDropped(logger, entry.Key, path, "the key is reserved for the protocol");
                continue;
            }

            if (entry.ValueBytes is { } bytes)
            {
                add(entry.Key, MetadataEncoding.EncodeBinary(bytes));
            }
            else if (IsPrintableAscii(entry.Value!))
            {
                add(entry.Key, entry.Value!);
            }
            else
            {
                GrpcServerLog.ResponseMetadataDropped(logger, entry.Key, path, "text values must be printable ASCII; use a -bin key");
            }
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }
}
