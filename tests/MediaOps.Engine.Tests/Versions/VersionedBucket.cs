using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;

namespace MediaOps.Engine.Tests
{
    /// <summary>
    /// A versioned bucket on moto, and the server's clock: times that split a history are read from
    /// what the server stamped, never guessed from this machine's clock.
    /// </summary>
    public static class VersionedBucket
    {
        public static S3TestBucket Create(MotoServer moto, string prefix = "media")
        {
            var bucket = new S3TestBucket(moto, prefix);
            bucket.S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket.Name,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }).GetAwaiter().GetResult();
            return bucket;
        }

        /// <summary>Writes a clock object outside the prefix and returns the second the server stamped it with.</summary>
        public static async Task<DateTime> ServerNowAsync(S3TestBucket bucket)
        {
            const string clock = "clock/tick";
            await bucket.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = clock, ContentBody = "t" });
            var head = await bucket.S3.GetObjectMetadataAsync(bucket.Name, clock);
            return head.LastModified.Value.ToUniversalTime();
        }

        /// <summary>
        /// Returns once the server stamps writes later than <paramref name="stamp"/> (its next second), so what
        /// is written afterwards is strictly after it. Polls the server's own stamp.
        /// </summary>
        public static async Task WaitForServerSecondAfterAsync(S3TestBucket bucket, DateTime stamp)
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (await ServerNowAsync(bucket) <= stamp)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the server's clock did not move on within 120 s");
                await Task.Delay(100);
            }
        }

        /// <summary>Every version and delete marker under <paramref name="prefix"/>, straight from the SDK.</summary>
        public static async Task<List<S3ObjectVersion>> AllVersionsAsync(S3TestBucket bucket, string prefix = "media/")
        {
            var all = new List<S3ObjectVersion>();
            string keyMarker = null, versionMarker = null;
            while (true)
            {
                var page = await bucket.S3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket.Name, Prefix = prefix, KeyMarker = keyMarker, VersionIdMarker = versionMarker });
                all.AddRange(page.Versions ?? new List<S3ObjectVersion>());
                if (page.IsTruncated != true) return all;
                keyMarker = page.NextKeyMarker;
                versionMarker = page.NextVersionIdMarker;
            }
        }

        public static Task PutAsync(S3TestBucket bucket, string key, string body, string contentType = "text/plain") =>
            bucket.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = key, ContentBody = body, ContentType = contentType });
    }
}
