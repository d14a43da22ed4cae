using AuthzService.IntegrationTests.Service;

namespace AuthzService.IntegrationTests.Wire;

/// <summary>
/// Independent gRPC clients against the real service (the interop <c>grpc.testing.TestService</c> mapped into it,
/// so every call crosses the same listener, interceptors and options as ours): @grpc/grpc-js (Node) and grpcio
/// (Python, gRPC C-core underneath), one test per interop case per client.
/// </summary>
[TestClass]
public sealed class InteropClientTests
{
    private static AuthzServiceInstance s_service = null!;

    /// <summary>The unary cases of the gRPC project's doc/interop-test-descriptions.md.</summary>
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
    public static async Task StartAsync(TestContext context) => (s_service, _) = await WireService.StartAsync("wire_interop", context);

    [ClassCleanup]
    public static async Task StopAsync() => await s_service.DisposeAsync();

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public async Task GrpcJsClient_InteropCase_Passes(string testCase) =>
        AssertPassed(testCase, await InteropClient.RunNodeAsync(s_service.Address.Port, testCase));

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public async Task GrpcioClient_InteropCase_Passes(string testCase) =>
        AssertPassed(testCase, await InteropClient.RunPythonAsync("interop_client.py", $"--port={s_service.Address.Port}", $"--test_case={testCase}"));

    private static void AssertPassed(string testCase, (int ExitCode, string Output) run)
    {
        Assert.AreEqual(0, run.ExitCode, run.Output);
        StringAssert.Contains(run.Output, "PASS " + testCase);
    }
}
