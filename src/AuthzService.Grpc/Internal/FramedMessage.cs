namespace AuthzService.Grpc.Internal;

/// <summary>One received message: its (decompressed) payload and whether it arrived compressed.</summary>
internal readonly record struct FramedMessage(byte[] Payload, bool Compressed);
