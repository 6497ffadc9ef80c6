using Xunit;
using MediaOps.Sync;

namespace MediaOps.Engine.Tests
{
    public class PathFilterTests
    {
        [Theory]
        [InlineData("*.tmp", "a/b/c.tmp", true)]
        [InlineData("*.tmp", "c.tmp", true)]
        [InlineData("cache/*", "cache/x/y.jpg", true)]
        [InlineData("cache/*", "other/cache/y.jpg", false)]
        [InlineData(".DS_Store", "x/.DS_Store", true)]
        [InlineData("img?.png", "img1.png", true)]
        [InlineData("img[0-2].png", "img3.png", false)]
        [InlineData("*.jpg", "a.jpeg", false)]
        public void Exclude_globs(string glob, string path, bool excluded) =>
            Assert.Equal(excluded, new PathFilter(new[] { glob }).IsExcluded(path));
    }
}
