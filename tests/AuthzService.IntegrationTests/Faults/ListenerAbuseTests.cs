using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using AuthzService.Contracts.V1;
using AuthzService.IntegrationTests.Service;
using Grpc.Health.V1;
using static AuthzService.IntegrationTests.Service.AuthzApi;

namespace AuthzService.IntegrationTests.Faults;

/// <summary>
/// Issue 14.5: abuse of the listeners while a well-behaved client keeps calling. Against the gRPC listener (h2c, frames
/// written by hand: 9-byte header, HPACK literals): many idle streams, rapid reset (HEADERS then RST_STREAM in a
/// loop), an oversized header block, HPACK bloat (the dynamic table filled over and over); against the AuthZEN HTTP
/// listener, slow-loris HTTP/1.1 clients trickling their headers. Every call of the well-behaved client must succeed
/// (and be allowed: it asks for what alice may do), and the service must still be SERVING afterwards.
/// </summary>
[TestClass]
[DoNotParallelize] // floods the machine; the fault suites' timing checks must not run beside it
public sealed class ListenerAbuseTests
{
    private const string CheckPath = "/" + AuthorizationServiceName + "/CheckResources";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public Task GrpcListener_ManyIdleStreams_WellBehavedClientServed() =>
        AbuseAsync("grpc", "idle-streams", async (service, ct) =>
        {
            // Ten connections, each opening 200 streams (more than Kestrel's 100 per connection) and never finishing them.
            var connections = new List<H2Connection>();
            var sent = 0;
            try
            {
                for (var c = 0; c < 10; c++)
                {
                    var h2 = await H2Connection.OpenAsync(service.Address, ct);
                    connections.Add(h2);
                    for (var s = 0; s < 200; s++)
                    {
                        await h2.SendAsync(H2.Headers(1 + (2 * s), H2.RequestBlock(CheckPath), endStream: false), ct);
                        sent++;
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            catch (IOException)
            {
                // The server may refuse or close: allowed, as long as the well-behaved client is served.
            }
            finally
            {
                connections.ForEach(c => c.Dispose());
            }

            return sent;
        });

    [TestMethod]
    public Task GrpcListener_RapidReset_WellBehavedClientServed() =>
        AbuseAsync("grpc", "rapid-reset", async (service, ct) =>
        {
            var sent = 0;
            for (var c = 0; c < 4; c++)
            {
                using var h2 = await H2Connection.OpenAsync(service.Address, ct);
                try
                {
                    for (var s = 0; s < 2000; s++)
                    {
                        var stream = 1 + (2 * s);
                        await h2.SendAsync([.. H2.Headers(stream, H2.RequestBlock(CheckPath), endStream: false), .. H2.RstStream(stream)], ct);
                        sent++;
                    }
                }
                catch (IOException)
                {
                    // Kestrel's rapid reset mitigation closes the connection (ENHANCE_YOUR_CALM): the point of it.
                }
            }

            return sent;
        });

    [TestMethod]
    public Task GrpcListener_OversizedHeadersAndHpackBloat_WellBehavedClientServed() =>
        AbuseAsync("grpc", "oversized-headers+hpack-bloat", async (service, ct) =>
        {
            var sent = 0;
            // Oversized: one 200 KB header value across HEADERS + CONTINUATION frames.
            for (var c = 0; c < 5; c++)
            {
                using var h2 = await H2Connection.OpenAsync(service.Address, ct);
                try
                {
                    var block = H2.RequestBlock(CheckPath, ("x-big", new string('a', 200_000)));
                    await h2.SendAsync(H2.HeadersWithContinuations(1, block), ct);
                    sent++;
                    await Task.Delay(100, ct);
                }
                catch (IOException)
                {
                }
            }

            // HPACK bloat: every stream adds 4 KB entries with incremental indexing, evicting and refilling the table.
            for (var c = 0; c < 5; c++)
            {
                using var h2 = await H2Connection.OpenAsync(service.Address, ct);
                try
                {
                    for (var s = 0; s < 300; s++)
                    {
                        var extra = Enumerable.Range(0, 3).Select(i => ($"x-bloat-{s}-{i}", new string((char)('a' + (i % 26)), 4000))).ToArray();
                        await h2.SendAsync(H2.Headers(1 + (2 * s), H2.RequestBlock(CheckPath, indexed: true, extra), endStream: true), ct);
                        sent++;
                    }
                }
                catch (IOException)
                {
                }
            }

            return sent;
        });

    [TestMethod]
    public Task AuthZenListener_SlowLoris_WellBehavedClientServed() =>
        AbuseAsync("authzen-http", "slow-loris", async (service, ct) =>
        {
            // 100 HTTP/1.1 clients each trickle a request line and headers, one byte every 200 ms, never finishing.
            var clients = new List<Socket>();
            var bytes = 0;
            try
            {
                for (var i = 0; i < 100; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(service.HttpAddress!.Host, service.HttpAddress.Port, ct);
                    clients.Add(socket);
                }

                var header = Encoding.ASCII.GetBytes("POST /access/v1/evaluation HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: ");
                for (var b = 0; b < 25; b++)
                {
                    foreach (var socket in clients)
                    {
                        try
                        {
                            await socket.SendAsync(new[] { b < header.Length ? header[b] : (byte)'z' }, SocketFlags.None, ct);
                            bytes++;
                        }
                        catch (SocketException)
                        {
                            // Closed by the server: allowed.
                        }
                    }

                    await Task.Delay(200, ct);
                }
            }
            finally
            {
                clients.ForEach(s => s.Dispose());
            }

            return bytes;
        });

    private async Task AbuseAsync(string listener, string abuse, Func<AuthzServiceInstance, CancellationToken, Task<int>> attack)
    {
        var database = await Postgres.PostgresAssemblyFixture.CreateDatabaseAsync("faults_abuse_" + abuse.Replace('-', '_').Replace('+', '_'), TestContext.CancellationToken);
        await using var service = await AuthzServiceInstance.StartAsync(
            new ServiceInstanceOptions(database, await Cerbos.CerbosServerFixture.GetSharedAsync()) { HttpListener = true }, TestContext.CancellationToken);
        await FaultLoad.SeedAsync(service);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
        var good = 0;
        var failures = new List<string>();
        var wellBehaved = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // Fresh resources, so each call reaches the directory and Cerbos.
                    var answer = await service.CheckAsync(Check(FaultLoad.Tenant, "alice", Entry(Resource("document", Unique("good"), FaultLoad.Tenant), "read")));
                    if (answer.Results[0].Actions["read"] == Effect.Allow)
                    {
                        good++;
                    }
                    else
                    {
                        failures.Add("denied");
                    }
                }
                catch (Grpc.Core.RpcException ex)
                {
                    failures.Add(ex.Status.ToString());
                }

                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);

        var attempts = await attack(service, TestContext.CancellationToken);
        await Task.Delay(500, TestContext.CancellationToken);
        await stop.CancelAsync();
        await wellBehaved;
        var health = (await service.HealthAsync(cancellationToken: TestContext.CancellationToken)).Status;

        var line = $"FAULTS: listener={listener} abuse={abuse} attempts={attempts} good_calls={good} good_failed={failures.Count} health_after={health}";
        TestContext.WriteLine(line);
        SuiteReport.Write(line);
        Assert.IsEmpty(failures, "the well-behaved client failed: " + string.Join("; ", failures.Take(5)));
        Assert.IsGreaterThan(0, good, "the well-behaved client made no call during the abuse");
        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health);
    }

    /// <summary>A raw h2c connection: preface and an empty SETTINGS sent; whatever the server sends is read and dropped.</summary>
    private sealed class H2Connection : IDisposable
    {
        private readonly Socket _socket;

        private H2Connection(Socket socket)
        {
            _socket = socket;
            // Read and drop whatever the server sends (SETTINGS, GOAWAY, responses), so it never blocks on us.
            _ = Task.Run(async () =>
            {
                var buffer = new byte[64 * 1024];
                try
                {
                    while (await _socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
                    {
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            });
        }

        public static async Task<H2Connection> OpenAsync(Uri address, CancellationToken ct)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(address.Host, address.Port, ct);
            var connection = new H2Connection(socket);
            await connection.SendAsync([.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, .. H2.Frame(4, 0, 0, [])], ct);
            return connection;
        }

        public async Task SendAsync(byte[] bytes, CancellationToken ct)
        {
            try
            {
                await _socket.SendAsync(bytes, SocketFlags.None, ct);
            }
            catch (SocketException ex)
            {
                throw new IOException("the server closed the connection", ex);
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>HTTP/2 frames (RFC 9113 §4.1) and HPACK literals (RFC 7541 §6.2), just enough to abuse a listener.</summary>
    private static class H2
    {
        public static byte[] Frame(byte type, byte flags, int stream, ReadOnlySpan<byte> payload)
        {
            var frame = new byte[9 + payload.Length];
            frame[0] = (byte)(payload.Length >> 16);
            frame[1] = (byte)(payload.Length >> 8);
            frame[2] = (byte)payload.Length;
            frame[3] = type;
            frame[4] = flags;
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream & int.MaxValue);
            payload.CopyTo(frame.AsSpan(9));
            return frame;
        }

        /// <summary>HEADERS with END_HEADERS (and END_STREAM when asked); the block must fit one frame (16 KB).</summary>
        public static byte[] Headers(int stream, byte[] block, bool endStream) =>
            Frame(1, (byte)(0x4 | (endStream ? 0x1 : 0)), stream, block);

        /// <summary>HEADERS and CONTINUATION frames of at most 16 KB carrying <paramref name="block"/>, END_STREAM set.</summary>
        public static byte[] HeadersWithContinuations(int stream, byte[] block)
        {
            const int Max = 16_384;
            var frames = new List<byte>();
            for (var offset = 0; offset < block.Length; offset += Max)
            {
                var chunk = block.AsSpan(offset, Math.Min(Max, block.Length - offset));
                var last = offset + Max >= block.Length;
                frames.AddRange(offset == 0
                    ? Frame(1, (byte)(0x1 | (last ? 0x4 : 0)), stream, chunk)
                    : Frame(9, (byte)(last ? 0x4 : 0), stream, chunk));
            }

            return [.. frames];
        }

        /// <summary>RST_STREAM with CANCEL (0x8).</summary>
        public static byte[] RstStream(int stream) => Frame(3, 0, stream, [0, 0, 0, 8]);

        public static byte[] RequestBlock(string path, params (string Name, string Value)[] extra) => RequestBlock(path, indexed: false, extra);

        public static byte[] RequestBlock(string path, bool indexed, params (string Name, string Value)[] extra)
        {
            var block = new List<byte>();
            foreach (var (name, value) in new[]
            {
                (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1"),
                ("content-type", "application/grpc"), ("te", "trailers"),
            })
            {
                Literal(block, name, value, indexing: false);
            }

            foreach (var (name, value) in extra)
            {
                Literal(block, name, value, indexed);
            }

            return [.. block];
        }

        // Literal header field with a new name: without indexing (0x00) or with incremental indexing (0x40).
        private static void Literal(List<byte> block, string name, string value, bool indexing)
        {
            block.Add(indexing ? (byte)0x40 : (byte)0x00);
            String(block, name);
            String(block, value);
        }

        private static void String(List<byte> block, string text)
        {
            var bytes = Encoding.ASCII.GetBytes(text);
            Integer(block, bytes.Length, 7, 0x00);
            block.AddRange(bytes);
        }

        private static void Integer(List<byte> block, int value, int prefixBits, byte flags)
        {
            var max = (1 << prefixBits) - 1;
            if (value < max)
            {
                block.Add((byte)(flags | value));
                return;
            }

            block.Add((byte)(flags | max));
            value -= max;
            while (value >= 128)
            {
                block.Add((byte)((value % 128) + 128));
                value /= 128;
            }

            block.Add((byte)value);
        }
    }
}
