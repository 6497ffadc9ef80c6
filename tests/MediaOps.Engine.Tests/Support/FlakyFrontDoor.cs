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
    /// close; later connections are piped to moto byte for byte. Enough to make the SDK retry. With
    /// <c>stallResponseAfter</c> (or <c>stallRequestAfter</c>), a connection that has passed that many bytes back
    /// (or on) stops forwarding and <see cref="Stalled"/> completes: a byte-level moment to cancel a transfer
    /// at, whatever the machine's load.
    /// </summary>
    public sealed class FlakyFrontDoor : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly Uri _backend;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly long _stallResponseAfter;
        private readonly long _stallRequestAfter;
        private readonly TaskCompletionSource<bool> _stalled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _toFail;

        public FlakyFrontDoor(string backendEndpoint, int failFirst, long stallResponseAfter = -1, long stallRequestAfter = -1)
        {
            _backend = new Uri(backendEndpoint);
            _toFail = failFirst;
            _stallResponseAfter = stallResponseAfter;
            _stallRequestAfter = stallRequestAfter;
            _listener.Start();
            _ = AcceptLoop();
        }

        public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public int Failed { get; private set; }

        /// <summary>Completes once a response was cut off after <c>stallResponseAfter</c> bytes.</summary>
        public Task Stalled => _stalled.Task;

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
                var a = _stallRequestAfter < 0 ? stream.CopyToAsync(upstream) : CopyThenStall(stream, upstream, _stallRequestAfter);
                var b = _stallResponseAfter < 0 ? upstream.CopyToAsync(stream) : CopyThenStall(upstream, stream, _stallResponseAfter);
                try { await Task.WhenAny(a, b); } catch (Exception) { }
            }
        }

        private async Task CopyThenStall(NetworkStream from, NetworkStream to, long stallAfter)
        {
            var buffer = new byte[16 * 1024];
            long sent = 0;
            int read;
            while ((read = await from.ReadAsync(buffer, 0, buffer.Length)) > 0)
            {
                await to.WriteAsync(buffer, 0, read);
                sent += read;
                if (sent < stallAfter) continue;
                _stalled.TrySetResult(true);
                try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (OperationCanceledException) { }
                return;
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
