using System.Net;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>Sends its body one byte per write and flush, so every byte travels in its own DATA frame.</summary>
public sealed class OneByteAtATimeContent(byte[] body) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < body.Length; i++)
        {
            await stream.WriteAsync(body.AsMemory(i, 1));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
