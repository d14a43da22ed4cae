using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AuthzService.Testing;

/// <summary>What <see cref="TcpFaultProxy"/> does with the bytes it is given.</summary>
public enum ProxyMode
{
    /// <summary>Forwards both ways.</summary>
    Pass,

    /// <summary>Forwards every chunk after <see cref="TcpFaultProxy.DelayMilliseconds"/>.</summary>
    Delay,

    /// <summary>Accepts and reads, never forwards (a black-holed network: no error, no answer).</summary>
    Blackhole,

    /// <summary>Resets (RST) every connection, open and new.</summary>
    Reset,
}

/// <summary>
/// A TCP proxy on a free loopback port in front of one dependency, for fault tests: <see cref="Mode"/> may change at
/// any time and applies to open connections at their next chunk (a switch to <see cref="ProxyMode.Reset"/> resets
/// them all at once). Async sockets, one pump per direction.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private volatile ProxyMode _mode = ProxyMode.Pass;

    private TcpFaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The delay of <see cref="ProxyMode.Delay"/>, per chunk and direction.</summary>
    public int DelayMilliseconds { get; set; } = 200;

    public ProxyMode Mode
    {
        get => _mode;
        set
        {
            _mode = value;
            if (value == ProxyMode.Reset)
            {
                foreach (var socket in _open.Keys)
                {
                    ResetSocket(socket);
                }
            }
        }
    }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    public static TcpFaultProxy Start(int targetPort) => new(targetPort);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static void ResetSocket(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token);
            Accepted++;
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        client.NoDelay = true;
        _open[client] = 0;
        if (_mode == ProxyMode.Reset)
        {
            ResetSocket(client);
            _open.TryRemove(client, out _);
            return;
        }

        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), _stop.Token);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            if (_mode == ProxyMode.Reset)
            {
                ResetSocket(client);
                ResetSocket(upstream);
            }
            else
            {
                client.Dispose();
                upstream.Dispose();
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                switch (_mode)
                {
                    case ProxyMode.Reset:
                        ResetSocket(from);
                        ResetSocket(to);
                        return;
                    case ProxyMode.Blackhole:
                        continue;
                    case ProxyMode.Delay:
                        await Task.Delay(DelayMilliseconds, _stop.Token);
                        break;
                }

                // A chunk read before a switch to black hole may still be forwarded: the switch is per chunk.
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
