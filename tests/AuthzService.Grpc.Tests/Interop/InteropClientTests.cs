using AuthzService.Grpc.Tests.TestHost;

namespace AuthzService.Grpc.Tests.Interop;

/// <summary>
/// Independent gRPC clients against our server, one test per interop case per client:
/// @grpc/grpc-js (Node) and grpcio (Python, gRPC C-core underneath).
/// </summary>
[TestClass]
public sealed class InteropClientTests
{
    private static TestServer s_server = null!;

    /// <summary>The unary interop cases of shared/design/GRPC.md.</summary>
    public static IEnumerable<object[]> Cases { get; } =
    [
        ["empty_unary"],
        ["large_unary"],
        ["client_compressed_unary"],
        ["server_compressed_unary"],
        ["custom_metadata"],
        ["status_code_and_message"],
        ["special_status_message"],
        ["unimplemented_method"],
        ["unimplemented_service"],
        ["timeout_on_sleeping_server"],
        ["rpc_soak"],
    ];

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => s_server = await TestServer.StartAsync();

    [ClassCleanup]
    public static async Task StopAsync() => await s_server.DisposeAsync();

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public async Task GrpcJsClient_InteropCase_Passes(string testCase) =>
        AssertPassed(testCase, await InteropClient.RunNodeAsync(s_server.Port, testCase));

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public async Task GrpcioClient_InteropCase_Passes(string testCase) =>
        AssertPassed(testCase, await InteropClient.RunPythonAsync(s_server.Port, testCase));

    private static void AssertPassed(string testCase, (int ExitCode, string Output) run)
    {
        Assert.AreEqual(0, run.ExitCode, run.Output);
        StringAssert.Contains(run.Output, "PASS " + testCase);
    }
}
