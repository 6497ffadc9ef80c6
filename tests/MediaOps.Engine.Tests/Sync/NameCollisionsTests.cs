using System.IO;
using System.Linq;
using Xunit;
using MediaOps.Local;
using MediaOps.Sync;

namespace MediaOps.Engine.Tests
{
    public class NameCollisionsTests
    {
        [Fact]
        public void Names_that_fold_together_collide_and_only_those()
        {
            var found = new NameCollisions(new NameFolding(foldsCase: true, foldsNormalization: true));
            foreach (var name in new[] { "Photo.jpg", "a/b.txt", "photo.jpg", "cafe\u0301.txt", "caf\u00e9.txt", "A/B.TXT", "ok.txt", "ok.txt" })
                found.Add(name);
            Assert.Equal(3, found.Count);
            Assert.Equal(new[] { "photo.jpg" }, found.Others("Photo.jpg"));
            Assert.Equal(new[] { "cafe\u0301.txt" }, found.Others("caf\u00e9.txt"));
            Assert.Equal(new[] { "a/b.txt" }, found.Others("A/B.TXT"));
            Assert.Null(found.Others("ok.txt")); // the same name twice (a file and its object) is no collision
        }

        [Fact]
        public void Case_only_folding_keeps_normalisation_forms_apart()
        {
            var found = new NameCollisions(new NameFolding(foldsCase: true, foldsNormalization: false));
            found.Add("cafe\u0301.txt");
            found.Add("caf\u00e9.txt");
            Assert.Equal(0, found.Count);
        }

        [Fact]
        public void The_probe_finds_a_linux_temp_folder_case_sensitive_and_leaves_nothing_behind()
        {
            using var tree = new TempTree();
            var folding = NameFolding.Probe(tree.Root, mayWrite: true);
            Assert.False(folding.Folds);
            Assert.Empty(Directory.EnumerateFileSystemEntries(tree.Root));
            // A dry run writes nothing: with a telling entry it still answers, without one it assumes the worst.
            Assert.True(NameFolding.Probe(tree.Root, mayWrite: false).Folds);
            tree.Write("Photo.jpg", "x");
            Assert.False(NameFolding.Probe(tree.Root, mayWrite: false).Folds);
            Assert.Equal(new[] { "Photo.jpg" }, Directory.EnumerateFileSystemEntries(tree.Root).Select(Path.GetFileName));
        }
    }

    public class DeleteSpoolTests
    {
        [Fact]
        public void The_spool_has_no_name_while_open_and_reads_back_in_order()
        {
            using var spool = new DeleteSpool();
            spool.Add("media/a\nb", 1);
            spool.Add("media/\u0001c", 2);
            Assert.False(File.Exists(spool.CreatedAt)); // unlinked as soon as it is open: a killed run leaves nothing
            var keys = spool.Batches(1).SelectMany(b => b).ToList();
            Assert.Equal(new[] { ("media/a\nb", 1L), ("media/\u0001c", 2L) }, keys);
            Assert.Equal(3, spool.Bytes);
        }
    }
}
