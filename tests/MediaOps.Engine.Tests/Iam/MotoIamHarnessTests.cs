using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Amazon.S3;
using Amazon.S3.Model;
using MediaOps.Aws;
using Xunit;

namespace MediaOps.Engine.Tests
{
    /// <summary>
    /// The IAM harness with the AWS SDK for .NET (the product's client): a user holding only the
    /// reference runbook's policy works under media/ and is denied elsewhere. Listing outside the
    /// prefix is denied only because the launcher emulates s3:prefix (moto ignores StringLike).
    /// </summary>
    public sealed class MotoIamHarnessTests : IDisposable
    {
        private readonly MotoServer _moto = MotoServer.StartIamSetup();
        private readonly string _bucket = MotoServer.NewBucketName("iam");
        private readonly MotoIamUser _app;

        public MotoIamHarnessTests()
        {
            MotoIam.CreateBucket(_moto, _bucket);
            _app = MotoIam.CreateUser(_moto, "app", MotoIam.ReferenceRunbookPolicy(_bucket));
            MotoIam.EnableEnforcement(_moto);
        }

        public void Dispose() => _moto.Dispose();

        [Fact]
        public async Task Runbook_user_works_under_the_prefix_with_the_dotnet_sdk_and_nowhere_else()
        {
            var target = _moto.Target(_bucket, "media", _app);
            using var s3 = new AwsClientFactory().CreateS3(target);
            const string key = "media/sdk dir/ü+1.txt";
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = "sdk body" });
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = "media/" });
            Assert.Contains(key, listed.S3Objects.Select(o => o.Key));

            var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = _bucket, Key = key, Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
            });
            using (var http = new HttpClient())
                Assert.Equal("sdk body", await http.GetStringAsync(url));

            var outside = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
                s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "other/x.txt", ContentBody = "x" }));
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
            var listOutside = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
                s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = "other/" }));
            Assert.Equal("AccessDenied", listOutside.ErrorCode);

            await s3.DeleteObjectAsync(_bucket, key);
        }
    }
}
