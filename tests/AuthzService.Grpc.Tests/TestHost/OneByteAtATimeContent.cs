using System.Net;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>Sends its body one byte per write and flush, so every byte travels in its own DATA frame.</summary>
public sealed class OneByteAtATimeContent : HttpContent
{
    private readonly byte[] _body;

    public OneByteAtATimeContent(byte[] body)
    {
        _body = body;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var i = 0; i < _body.Length; i++)
        {
            await stream.WriteAsync(_body.AsMemory(i, 1));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
