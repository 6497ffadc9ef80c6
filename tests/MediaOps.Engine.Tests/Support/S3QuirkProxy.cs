using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace MediaOps.Engine.Tests.Buckets
{
    /// <summary>
    /// An HTTP front for moto that adds two behaviours moto lacks, the way real servers produce them:
    /// AWS's region enforcement (a request signed for another region than the bucket's gets 301
    /// PermanentRedirect on HEAD, 400 AuthorizationHeaderMalformed otherwise) and an S3-compatible
    /// server's 501 NotImplemented for some bucket subresources. Everything else goes to moto untouched.
    /// </summary>
    public sealed class S3QuirkProxy : IDisposable
    {
        private readonly HttpListener _listener = new HttpListener();
        private readonly HttpClient _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        private readonly string _upstream;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        public S3QuirkProxy(string upstream)
        {
            _upstream = upstream.TrimEnd('/');
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            Task.Run(LoopAsync);
        }

        public string Endpoint { get; }
        /// <summary>When set, requests must be signed for this region (as AWS enforces per bucket).</summary>
        public string BucketRegion { get; set; }
        /// <summary>Subresources (query keys such as "versioning") answered with 501 NotImplemented.</summary>
        public HashSet<string> NotImplemented { get; } = new HashSet<string>();
        /// <summary>Rewrites the body of answers forwarded from moto (e.g. the identity STS returns).</summary>
        public Func<string, string> RewriteResponse { get; set; }
        /// <summary>Requests seen, "METHOD query-keys", for assertions.</summary>
        public List<string> Seen { get; } = new List<string>();

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                _ = Task.Run(() => HandleAsync(ctx));
            }
        }

        private async Task HandleAsync(HttpListenerContext ctx)
        {
            var req = ctx.Request;
            var res = ctx.Response;
            try
            {
                var keys = (req.Url.Query.TrimStart('?')).Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).ToList();
                lock (Seen) Seen.Add($"{req.HttpMethod} {string.Join(",", keys)}");
                var signedFor = Regex.Match(req.Headers["Authorization"] ?? "", @"Credential=[^/]+/\d+/([^/]+)/").Groups[1].Value;
                if (BucketRegion != null && signedFor.Length > 0 && signedFor != BucketRegion && !keys.Contains("location"))
                {
                    res.AddHeader("x-amz-bucket-region", BucketRegion);
                    if (req.HttpMethod == "HEAD") { res.StatusCode = 301; res.Close(); return; }
                    await ErrorAsync(res, 400, "AuthorizationHeaderMalformed",
                        $"The authorization header is malformed; the region '{signedFor}' is wrong; expecting '{BucketRegion}'", $"<Region>{BucketRegion}</Region>");
                    return;
                }
                if (keys.Any(NotImplemented.Contains))
                {
                    await ErrorAsync(res, 501, "NotImplemented", "A header you provided implies functionality that is not implemented", "");
                    return;
                }
                await ForwardAsync(req, res);
            }
            catch (Exception)
            {
                try { res.StatusCode = 502; res.Close(); } catch (Exception) { }
            }
        }

        private static async Task ErrorAsync(HttpListenerResponse res, int status, string code, string message, string extra)
        {
            var body = System.Text.Encoding.UTF8.GetBytes(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message>{extra}<RequestId>proxy</RequestId></Error>");
            res.StatusCode = status;
            res.ContentType = "application/xml";
            res.ContentLength64 = body.Length;
            await res.OutputStream.WriteAsync(body, 0, body.Length);
            res.Close();
        }

        private async Task ForwardAsync(HttpListenerRequest req, HttpListenerResponse res)
        {
            var msg = new HttpRequestMessage(new HttpMethod(req.HttpMethod), _upstream + req.Url.PathAndQuery);
            var body = new MemoryStream();
            await req.InputStream.CopyToAsync(body);
            if (body.Length > 0 || req.HttpMethod == "PUT" || req.HttpMethod == "POST")
                msg.Content = new ByteArrayContent(body.ToArray());
            foreach (string name in req.Headers)
            {
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                var value = req.Headers[name];
                if (!msg.Headers.TryAddWithoutValidation(name, value)) msg.Content?.Headers.TryAddWithoutValidation(name, value);
            }
            using var up = await _http.SendAsync(msg);
            res.StatusCode = (int)up.StatusCode;
            foreach (var h in up.Headers.Concat(up.Content.Headers))
            {
                if (h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                res.AddHeader(h.Key, string.Join(",", h.Value));
            }
            var bytes = await up.Content.ReadAsByteArrayAsync();
            if (RewriteResponse != null && bytes.Length > 0)
                bytes = System.Text.Encoding.UTF8.GetBytes(RewriteResponse(System.Text.Encoding.UTF8.GetString(bytes)));
            if (req.HttpMethod != "HEAD")
            {
                res.ContentLength64 = bytes.Length;
                await res.OutputStream.WriteAsync(bytes, 0, bytes.Length);
            }
            res.Close();
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _listener.Stop(); _listener.Close(); } catch (Exception) { }
            _http.Dispose();
        }
    }
}
