using Google.Protobuf;

namespace AuthzService.IntegrationTests.Service;

/// <summary>One request that breaks one validation rule, and the text the INVALID_ARGUMENT message must contain.</summary>
public sealed record InvalidRequestCase(IMessage Request, string Expected);
