using System;
using System.IO;
using System.Linq;
using System.Text;
using MediaOps.Local;
using Xunit;

namespace MediaOps.Engine.Tests
{
    public class LocalWalkerTests
    {
        [Fact]
        public void Walk_is_in_s3_key_order_for_awkward_names()
        {
            using var tree = new TempTree(TempTree.AwkwardFiles());
            var walked = new LocalWalker(tree.Root).Walk().Select(e => e.RelativePath).ToList();
            var expected = TempTree.AwkwardFiles().Keys.OrderBy(k => k, KeyOrder.Instance).ToList();
            Assert.Equal(expected, walked);
            Assert.True(walked.IndexOf("a-b") < walked.IndexOf("a/b"));
            Assert.True(walked.IndexOf("a/b") < walked.IndexOf("a0"));
            Assert.Contains("cafe\u0301.txt", walked); // raw NFD, not normalised
        }

        [Fact]
        public void Reports_sizes_and_times()
        {
            using var tree = new TempTree();
            var path = tree.Write("x/y.bin", new byte[1234]);
            var when = new DateTime(2020, 5, 6, 7, 8, 9, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, when);
            var entry = Assert.Single(new LocalWalker(tree.Root).Walk());
            Assert.Equal(1234, entry.Length);
            Assert.Equal(when, entry.LastWriteTimeUtc);
            Assert.Equal(path, entry.FullName);
        }

        [Fact]
        public void Symlinks_are_reported_not_followed_unless_asked()
        {
            using var tree = new TempTree();
            using var outside = new TempTree();
            outside.Write("secret.txt", "outside");
            tree.Write("real.txt", "inside");
            File.CreateSymbolicLink(Path.Combine(tree.Root, "link.txt"), Path.Combine(tree.Root, "real.txt"));
            Directory.CreateSymbolicLink(Path.Combine(tree.Root, "linkdir"), outside.Root);

            var plain = new LocalWalker(tree.Root).Walk().ToList();
            Assert.Equal(new[] { "link.txt", "linkdir", "real.txt" }, plain.Select(e => e.RelativePath));
            Assert.Equal(LocalEntryKind.Symlink, plain[0].Kind);
            Assert.Equal(LocalEntryKind.Symlink, plain[1].Kind);

            var followed = new LocalWalker(tree.Root, followSymlinks: true).Walk().ToList();
            Assert.Equal(new[] { "link.txt", "linkdir/secret.txt", "real.txt" }, followed.Select(e => e.RelativePath));
            Assert.All(followed, e => Assert.Equal(LocalEntryKind.File, e.Kind));
            Assert.Equal(6, followed[0].Length);
        }

        [Fact]
        public void Missing_root_throws_unless_allowed()
        {
            var missing = Path.Combine(Path.GetTempPath(), "mediaops-missing-" + Guid.NewGuid().ToString("N"));
            Assert.Throws<DirectoryNotFoundException>(() => new LocalWalker(missing).Walk().ToList());
            Assert.Empty(new LocalWalker(missing, allowMissingRoot: true).Walk());
        }
    }
}
