using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Errors;
using MediaOps.Runs;
using MediaOps.Targets;

namespace MediaOps.Buckets
{
    /// <summary>The Test-MediaBucket engine: read the bucket once, evaluate every check.</summary>
    public sealed class BucketInspector
    {
        private readonly IAwsClientFactory _clients;

        public BucketInspector(IAwsClientFactory clients) => _clients = clients ?? throw new ArgumentNullException(nameof(clients));

        /// <summary>Reads the bucket, then reports one row per check, in the documented order.</summary>
        public async Task InspectAsync(MediaTarget target, BucketCheckOptions options, IRunObserver<CheckResult> rows, CancellationToken cancellationToken)
        {
            var state = await ReadStateAsync(target, cancellationToken).ConfigureAwait(false);
            foreach (var row in BucketEvaluator.Evaluate(state, target.Prefix, options)) rows.Row(row);
        }

        /// <summary>
        /// Read the bucket's configuration with the region in use. When S3 answers that the bucket lives
        /// elsewhere (PermanentRedirect, AuthorizationHeaderMalformed), find the real region, read from
        /// there and record the redirect so the Region row can name it.
        /// </summary>
        public async Task<BucketState> ReadStateAsync(MediaTarget target, CancellationToken cancellationToken)
        {
            var region = _clients.ResolveRegion(target).Name;
            try
            {
                return await ReadWithRegionAsync(target, region, cancellationToken).ConfigureAwait(false);
            }
            catch (MediaOpsException ex) when (ex.Kind == FailureKind.WrongRegion)
            {
                var real = S3ErrorTranslator.RegionFromError(ex.InnerException) ?? await LocateAsync(target, cancellationToken).ConfigureAwait(false);
                if (real == null || string.Equals(real, region, StringComparison.OrdinalIgnoreCase)) throw;
                var state = await ReadWithRegionAsync(target, real, cancellationToken).ConfigureAwait(false);
                state.RedirectedFromRegion = region;
                return state;
            }
        }

        private async Task<BucketState> ReadWithRegionAsync(MediaTarget target, string region, CancellationToken ct)
        {
            using (var s3 = _clients.CreateS3(target, region))
                return await new BucketReader(s3, target).ReadAsync(region, ct).ConfigureAwait(false);
        }

        /// <summary>GetBucketLocation through us-east-1, which answers for a bucket in any region. Null when that fails too.</summary>
        private async Task<string> LocateAsync(MediaTarget target, CancellationToken ct)
        {
            try
            {
                using (var s3 = _clients.CreateS3(target, "us-east-1"))
                {
                    var r = await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = target.BucketName }, ct).ConfigureAwait(false);
                    return BucketReader.NormalizeLocation(r.Location?.Value);
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return S3ErrorTranslator.RegionFromError(ex);
            }
        }
    }
}
