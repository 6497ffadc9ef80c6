using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using Xunit;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    /// <summary>
    /// A real moto S3 server over HTTP for engine tests: the one .ci/run started
    /// (MEDIAOPS_TEST_ENDPOINT), or a private one on a free loopback port.
    /// </summary>
    public sealed class MotoServer : IDisposable
    {
        private readonly Process _process;

        public MotoServer() : this(iamAuthAfter: -1, reuseShared: true) { }

        private MotoServer(int iamAuthAfter, bool reuseShared, params string[] launcherArgs)
        {
            var shared = Environment.GetEnvironmentVariable("MEDIAOPS_TEST_ENDPOINT");
            if (reuseShared && iamAuthAfter < 0 && !string.IsNullOrEmpty(shared))
            {
                Endpoint = shared.TrimEnd('/');
                return;
            }
            var port = FreePort();
            var psi = new ProcessStartInfo("python3")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.ArgumentList.Add(Path.Combine(RepoRoot, "tests", "tools", "moto_launcher.py"));
            psi.ArgumentList.Add("--port");
            psi.ArgumentList.Add(port.ToString());
            foreach (var arg in launcherArgs) psi.ArgumentList.Add(arg);
            if (iamAuthAfter >= 0) psi.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = iamAuthAfter.ToString();
            else psi.Environment.Remove("INITIAL_NO_AUTH_ACTION_COUNT");
            _process = Process.Start(psi);
            _process.OutputDataReceived += (_, __) => { };
            _process.ErrorDataReceived += (_, __) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Endpoint = $"http://127.0.0.1:{port}";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited) throw new InvalidOperationException("moto exited early");
                try
                {
                    if (http.GetAsync(Endpoint + "/moto-api/").GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK) return;
                }
                catch (Exception) { Thread.Sleep(200); }
            }
            throw new TimeoutException("moto did not start within 30 s");
        }

        /// <summary>A private moto that enforces IAM after <paramref name="freeCalls"/> unauthenticated calls.</summary>
        public static MotoServer StartWithIam(int freeCalls) => new MotoServer(freeCalls, reuseShared: false);

        /// <summary>
        /// A private moto in IAM setup mode: calls are free until <see cref="MotoIam.EnableEnforcement"/>.
        /// By default the launcher emulates AWS's s3:prefix conditions, which moto ignores (see MotoIam).
        /// </summary>
        public static MotoServer StartIamSetup(bool emulateS3PrefixCondition = true) =>
            new MotoServer(1_000_000_000, reuseShared: false,
                emulateS3PrefixCondition ? new[] { "--emulate-s3-prefix-condition" } : Array.Empty<string>());

        /// <summary>A private moto, never the shared one (for tests that need an empty server).</summary>
        public static MotoServer StartPrivate() => new MotoServer(-1, reuseShared: false);

        public string Endpoint { get; }

        /// <summary>A target on this server with fake non-root keys.</summary>
        public MediaTarget Target(string bucket, string prefix = "media", string accessKey = "AKIAMEDIAOPSTEST0001", string secret = "test-secret") =>
            MediaTarget.Resolve(new MediaTargetOptions
            {
                BucketName = bucket,
                Prefix = prefix,
                EndpointUrl = Endpoint,
                Region = "us-east-1",
                AccessKeyId = accessKey,
                SecretAccessKey = secret,
            }, _ => null, requireBucket: bucket != null);

        public static string NewBucketName(string stem = "xu") => $"{stem}-{Guid.NewGuid():N}".Substring(0, 20);

        public static string RepoRoot
        {
            get
            {
                var dir = AppContext.BaseDirectory;
                while (dir != null && !File.Exists(Path.Combine(dir, "MediaOps.sln"))) dir = Path.GetDirectoryName(dir);
                return dir ?? throw new InvalidOperationException("repo root not found");
            }
        }

        private static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            try { return ((IPEndPoint)l.LocalEndpoint).Port; } finally { l.Stop(); }
        }

        public void Dispose()
        {
            if (_process != null && !_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            _process?.Dispose();
        }
    }

    /// <summary>One moto per test class that asks for it.</summary>
    [CollectionDefinition("moto")]
    public sealed class MotoCollection : ICollectionFixture<MotoServer> { }
}
