using System;
using System.IO;
using Xunit;
using MediaOps.Transfer;

namespace MediaOps.Engine.Tests
{
    public class TransferRulesTests
    {
        [Theory]
        [InlineData("../etc/passwd")]
        [InlineData("a/../../x")]
        [InlineData("/etc/x")]
        [InlineData("a//b")]
        [InlineData("./a")]
        [InlineData("C:/Windows/x")]
        [InlineData("c:x")]
        [InlineData("a\\..\\..\\x")]
        [InlineData("a\0b")]
        [InlineData("")]
        public void Hostile_names_are_refused(string name)
        {
            Assert.NotNull(LocalPathGuard.Problem(name));
            var ex = Assert.Throws<MediaOpsException>(() => LocalPathGuard.Resolve(Path.GetTempPath(), "media/" + name, name));
            Assert.Equal(LocalPathGuard.UnsafeKeyErrorId, ex.ErrorId);
            Assert.Equal(FailureKind.Unsafe, ex.Kind);
        }

        [Theory]
        [InlineData("a/b.jpg")]
        [InlineData("..hidden/x")]
        [InlineData("x..y")]
        [InlineData("日本/写真.webp")]
        public void Ordinary_names_resolve_inside_the_root(string name)
        {
            using var tree = new TempTree();
            var full = LocalPathGuard.Resolve(tree.Root, "media/" + name, name);
            Assert.StartsWith(tree.Root + Path.DirectorySeparatorChar, full);
        }

        [Fact]
        public void A_symlinked_folder_on_the_way_is_refused()
        {
            using var tree = new TempTree();
            using var outside = new TempTree();
            Directory.CreateSymbolicLink(Path.Combine(tree.Root, "escape"), outside.Root);
            var ex = Assert.Throws<MediaOpsException>(() => LocalPathGuard.Resolve(tree.Root, "media/escape/x", "escape/x"));
            Assert.Contains("symbolic link", ex.Message);
        }

        [Fact]
        public void Part_size_grows_to_stay_under_10000_parts()
        {
            var s = new TransferSettings();
            Assert.Equal(8 * TransferSettings.MiB, s.PartSizeFor(1L << 30));
            var huge = 200L * 1024 * 1024 * 1024;
            Assert.True((huge + s.PartSizeFor(huge) - 1) / s.PartSizeFor(huge) <= 10000);
        }
    }
}
