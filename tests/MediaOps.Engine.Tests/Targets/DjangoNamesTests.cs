using Xunit;
using MediaOps.Targets;

namespace MediaOps.Engine.Tests
{
    public class DjangoNamesTests
    {
        // Expected values produced by django-storages 1.13 (S3Boto3Storage._normalize_name(clean_name(name)), location "media");
        // the Pester Django tests re-check them against the installed package.
        [Theory]
        [InlineData("uploads/a.jpg", "media/uploads/a.jpg")]
        [InlineData("a/../b.txt", "media/b.txt")]
        [InlineData("./x", "media/x")]
        [InlineData("a//b", "media/a/b")]
        [InlineData("a\\b", "media/a/b")]
        [InlineData("dir/", "media/dir/")]
        [InlineData("", "media/")]
        [InlineData(".", "media/")]
        [InlineData("a/./b/../c", "media/a/c")]
        [InlineData("/abs", null)]
        [InlineData("../x", null)]
        [InlineData("//x", null)]
        [InlineData("a/../../x", null)]
        [InlineData("..\\x", null)]
        public void Mirrors_django_storages(string name, string expected) =>
            Assert.Equal(expected, DjangoNames.TryKeyFor("media/", name));

        [Theory]
        [InlineData("/abs.txt", "abs.txt")]
        [InlineData("../x", "x")]
        [InlineData("a/b", "a/b")]
        public void Empty_location_strips_leading_slashes_like_safe_join(string name, string expected) =>
            Assert.Equal(expected, DjangoNames.TryKeyFor("", name));

        [Fact]
        public void KeyFor_refuses_escapes_with_InvalidArgument()
        {
            var ex = Assert.Throws<MediaOpsException>(() => DjangoNames.KeyFor("media/", "../etc/passwd"));
            Assert.Equal("MediaOps.SuspiciousName", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
        }
    }
}
