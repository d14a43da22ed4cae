using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class MessageFramingTests
{
    private const int Limit = 4 * 1024 * 1024;

    [TestMethod]
    public async Task ReadMessage_OneByteChunks_ReassemblesMessage()
    {
        // Arrange
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var stream = new OneByteStream(MessageFraming.Frame(payload, compress: false));

        // Act
        var message = await MessageFraming.ReadMessageAsync(stream, Limit, null, CancellationToken.None);

        // Assert
        CollectionAssert.AreEqual(payload, message);
        Assert.IsNull(await MessageFraming.ReadMessageAsync(stream, Limit, null, CancellationToken.None));
    }

    [TestMethod]
    public async Task ReadMessage_SeveralMessagesInOneBuffer_ReadsEachInOrder()
    {
        var buffer = MessageFraming.Frame([1], false).Concat(MessageFraming.Frame([], false)).Concat(MessageFraming.Frame([2, 3], true)).ToArray();
        using var stream = new MemoryStream(buffer);

        var first = await MessageFraming.ReadFramedMessageAsync(stream, Limit, "gzip", CancellationToken.None);
        var second = await MessageFraming.ReadFramedMessageAsync(stream, Limit, "gzip", CancellationToken.None);
        var third = await MessageFraming.ReadFramedMessageAsync(stream, Limit, "gzip", CancellationToken.None);

        CollectionAssert.AreEqual(new byte[] { 1 }, first!.Value.Payload);
        Assert.IsEmpty(second!.Value.Payload);
        CollectionAssert.AreEqual(new byte[] { 2, 3 }, third!.Value.Payload);
        Assert.IsTrue(third.Value.Compressed);
        Assert.IsNull(await MessageFraming.ReadFramedMessageAsync(stream, Limit, "gzip", CancellationToken.None));
    }

    [TestMethod]
    [DataRow(new byte[] { 0 }, DisplayName = "1 header byte")]
    [DataRow(new byte[] { 0, 0, 0, 0 }, DisplayName = "4 header bytes")]
    [DataRow(new byte[] { 0, 0, 0, 0, 2, 7 }, DisplayName = "payload short by one")]
    public async Task ReadMessage_Truncated_ThrowsInternal(byte[] data)
    {
        using var stream = new MemoryStream(data);

        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(stream, Limit, null, CancellationToken.None).AsTask());

        Assert.AreEqual(StatusCode.Internal, ex.StatusCode);
    }

    [TestMethod]
    [DataRow(0xFFFFFFFFu)]
    [DataRow(Limit + 1u)]
    public async Task ReadMessage_DeclaredLengthAboveLimit_ThrowsResourceExhaustedWithoutAllocating(uint declared)
    {
        var header = new byte[5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), declared);
        using var stream = new MemoryStream(header);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(stream, Limit, null, CancellationToken.None).AsTask());

        Assert.AreEqual(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.IsLessThan(1024 * 1024L, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public async Task ReadMessage_LargeDeclaredLengthFewBytesSent_AllocatesOnlyWhatArrives()
    {
        // 4 MiB - 1 declared (within the limit), 5 bytes sent: must not reserve 4 MiB up front.
        var data = new byte[10];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(1), Limit - 1);
        using var stream = new MemoryStream(data);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(stream, Limit, null, CancellationToken.None).AsTask());

        Assert.AreEqual(StatusCode.Internal, ex.StatusCode);
        Assert.IsLessThan(1024 * 1024L, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public async Task ReadMessage_LargeMessageOverManyReads_RoundTrips()
    {
        var payload = new byte[1_000_000];
        new Random(42).NextBytes(payload);
        using var stream = new MemoryStream(MessageFraming.Frame(payload, compress: false));

        var message = await MessageFraming.ReadMessageAsync(stream, Limit, null, CancellationToken.None);

        CollectionAssert.AreEqual(payload, message);
    }

    [TestMethod]
    [DataRow(null, StatusCode.Internal)]
    [DataRow("identity", StatusCode.Internal)]
    [DataRow("br", StatusCode.Unimplemented)]
    public async Task ReadMessage_CompressedFlagWithoutUsableEncoding_Throws(string? encoding, StatusCode expected)
    {
        using var stream = new MemoryStream(MessageFraming.Frame([1, 2, 3], compress: true));

        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageFraming.ReadMessageAsync(stream, Limit, encoding, CancellationToken.None).AsTask());

        Assert.AreEqual(expected, ex.StatusCode);
    }

    [TestMethod]
    public void Gunzip_Bomb_ThrowsResourceExhausted()
    {
        var bomb = MessageFraming.Gzip(new byte[Limit * 4]);

        var ex = Assert.Throws<RpcException>(() => MessageFraming.Gunzip(bomb, Limit));

        Assert.AreEqual(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [TestMethod]
    public void Gunzip_Corrupt_ThrowsInternal()
    {
        var ex = Assert.Throws<RpcException>(() => MessageFraming.Gunzip([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad], Limit));

        Assert.AreEqual(StatusCode.Internal, ex.StatusCode);
    }
}
