using System.Threading.Tasks;
using Xunit;
using MediaOps.Integrity;

namespace MediaOps.Engine.Tests
{
    public class ContentComparerTests
    {
        // The local MD5 equals the ETag in every case: only a single-part, non-KMS ETag may prove the content the same.
        [Theory]
        [InlineData("5d41402abc4b2a76b9719d911017c592", null, true)]
        [InlineData("5d41402abc4b2a76b9719d911017c592-3", null, false)]
        [InlineData("5d41402abc4b2a76b9719d911017c592", "aws:kms", false)]
        [InlineData("", null, false)]
        public async Task Only_a_single_part_non_kms_etag_proves_the_md5(string etag, string sse, bool expected)
        {
            var remote = ObjectDigest.FromHeaders("media/a", 5, etag, sse == null ? null : new Amazon.S3.ServerSideEncryptionMethod(sse), null, null);
            var verdict = await ContentComparer.DecideAsync(remote, () => Task.FromResult("5d41402abc4b2a76b9719d911017c592"), () => Task.FromResult<bool?>(null), () => Task.FromResult<bool?>(null));
            Assert.Equal(expected, verdict.IsSame);
            Assert.Equal(expected, verdict.Basis == VerdictBasis.ETagMd5);
        }
    }
}
