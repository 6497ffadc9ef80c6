using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MediaOps.Engine.Tests
{
    /// <summary>
    /// A loopback TCP front for moto whose first <c>failFirst</c> connections answer 503 SlowDown and
    /// close; later connections are piped to moto byte for byte. Enough to make the SDK retry.
    /// </summary>
    public sealed class FlakyFrontDoor : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly Uri _backend;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private int _toFail;

        public FlakyFrontDoor(string backendEndpoint, int failFirst)
        {
            _backend = new Uri(backendEndpoint);
            _toFail = failFirst;
            _listener.Start();
            _ = AcceptLoop();
        }

        public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public int Failed { get; private set; }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(); } catch (Exception) { return; }
                _ = Handle(client);
            }
        }

        private async Task Handle(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                if (Interlocked.Decrement(ref _toFail) >= 0)
                {
                    Failed++;
                    await ReadHeaders(stream);
                    var body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
                    var response = $"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                    var bytes = Encoding.UTF8.GetBytes(response);
                    try { await stream.WriteAsync(bytes, 0, bytes.Length); } catch (Exception) { }
                    return;
                }
                using var backend = new TcpClient();
                await backend.ConnectAsync(_backend.Host, _backend.Port);
                var upstream = backend.GetStream();
                var a = stream.CopyToAsync(upstream);
                var b = upstream.CopyToAsync(stream);
                try { await Task.WhenAny(a, b); } catch (Exception) { }
            }
        }

        private static async Task ReadHeaders(NetworkStream stream)
        {
            var buffer = new byte[1];
            var tail = 0;
            while (tail < 4)
            {
                if (await stream.ReadAsync(buffer, 0, 1) == 0) return;
                tail = buffer[0] == (tail % 2 == 0 ? '\r' : '\n') ? tail + 1 : (buffer[0] == '\r' ? 1 : 0);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
