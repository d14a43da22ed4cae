using AuthzService.Grpc.Tests.TestHost;

namespace AuthzService.Grpc.Tests.Interop;

/// <summary>Python grpcio (gRPC C-core underneath) as the client of our server.</summary>
[TestClass]
public sealed class PythonInteropTests
{
    private static TestServer s_server = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => s_server = await TestServer.StartAsync();

    [ClassCleanup]
    public static async Task StopAsync() => await s_server.DisposeAsync();

    [TestMethod]
    [DataRow("empty_unary")]
    [DataRow("large_unary")]
    [DataRow("client_compressed_unary")]
    [DataRow("server_compressed_unary")]
    [DataRow("custom_metadata")]
    [DataRow("status_code_and_message")]
    [DataRow("special_status_message")]
    [DataRow("unimplemented_method")]
    [DataRow("unimplemented_service")]
    [DataRow("timeout_on_sleeping_server")]
    [DataRow("rpc_soak")]
    public async Task GrpcioClient_InteropCase_Passes(string testCase)
    {
        var (exitCode, output) = await InteropClient.RunPythonAsync(s_server.Port, testCase);

        Assert.AreEqual(0, exitCode, output);
        StringAssert.Contains(output, "PASS " + testCase);
    }
}
