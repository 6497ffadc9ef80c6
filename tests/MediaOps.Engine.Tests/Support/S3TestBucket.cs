using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    /// <summary>A fresh bucket on moto with a raw SDK client for planting and inspecting objects.</summary>
    public sealed class S3TestBucket : IDisposable
    {
        public S3TestBucket(MotoServer moto, string prefix = "media")
        {
            Name = MotoServer.NewBucketName("sy");
            Target = moto.Target(Name, prefix);
            S3 = new AwsClientFactory().CreateS3(Target);
            S3.PutBucketAsync(new PutBucketRequest { BucketName = Name }).GetAwaiter().GetResult();
        }

        public string Name { get; }
        public MediaTarget Target { get; }
        public IAmazonS3 S3 { get; }

        public async Task<List<S3Object>> ListAsync(string prefix = null)
        {
            var all = new List<S3Object>();
            string token = null;
            do
            {
                var page = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name, Prefix = prefix, ContinuationToken = token });
                all.AddRange(page.S3Objects ?? new List<S3Object>());
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            } while (token != null);
            return all;
        }

        public async Task<List<string>> KeysAsync(string prefix = null) => (await ListAsync(prefix)).Select(o => o.Key).ToList();

        public Task PutAsync(string key, string body) =>
            S3.PutObjectAsync(new PutObjectRequest { BucketName = Name, Key = key, ContentBody = body });

        public async Task<byte[]> GetAsync(string key)
        {
            using var r = await S3.GetObjectAsync(Name, key);
            using var ms = new System.IO.MemoryStream();
            await r.ResponseStream.CopyToAsync(ms);
            return ms.ToArray();
        }

        public async Task<List<MultipartUpload>> MultipartUploadsAsync() =>
            (await S3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Name })).MultipartUploads ?? new List<MultipartUpload>();

        public void Dispose() => S3.Dispose();
    }
}
