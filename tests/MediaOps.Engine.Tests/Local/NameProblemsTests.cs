using System.IO;
using System.Linq;
using MediaOps.Local;
using Xunit;

namespace MediaOps.Engine.Tests
{
    public class NameProblemsTests
    {
        private static string[] Kinds(string rel) => NameProblems.ForName(rel, "media/" + rel).Select(NameProblems.KindOf).ToArray();

        [Theory]
        [InlineData("cafe\u0301.jpg", NameProblems.NotNfc)]
        [InlineData("a:b.jpg", NameProblems.UnportableName)]
        [InlineData("x/what?.png", NameProblems.UnportableName)]
        [InlineData("back\\slash.png", NameProblems.UnportableName)]
        [InlineData("tab\there.png", NameProblems.UnportableName)]
        [InlineData("trailing.", NameProblems.UnportableName)]
        [InlineData("space /x.png", NameProblems.UnportableName)]
        [InlineData("CON.txt", NameProblems.UnportableName)]
        [InlineData("docs/lpt1", NameProblems.UnportableName)]
        [InlineData("admin/img/icon.svg", NameProblems.StaticAsset)]
        [InlineData("bundle.3f2a.css", NameProblems.StaticAsset)]
        [InlineData("x/.DS_Store", NameProblems.TempFile)]
        [InlineData("report.docx~", NameProblems.TempFile)]
        [InlineData("video.mp4.part", NameProblems.TempFile)]
        [InlineData(".notes.txt.swp", NameProblems.TempFile)]
        [InlineData("upload.tmp", NameProblems.TempFile)]
        public void Flags_names(string rel, string kind) => Assert.Contains(kind, Kinds(rel));

        [Theory]
        [InlineData("uploads/2024/photo.jpg")]
        [InlineData("日本/写真.webp")]
        [InlineData("a b/c+d%e#f.txt")]
        [InlineData("café.txt")]
        public void Good_names_have_no_finding(string rel) => Assert.Empty(Kinds(rel));

        [Fact]
        public void Key_over_1024_utf8_bytes_is_flagged_by_bytes_not_chars()
        {
            var name = new string('日', 340) + ".jpg"; // 344 chars, 1024 bytes + prefix
            Assert.Contains(NameProblems.KeyTooLong, Kinds(name));
            Assert.DoesNotContain(NameProblems.KeyTooLong, Kinds(new string('a', 1000)));
        }

        [Fact]
        public async System.Threading.Tasks.Task Inventory_summary_counts_kinds_per_file()
        {
            using var tree = new TempTree();
            tree.Write("ok.jpg", "x");
            tree.Write("cafe\u0301 CON.tmp", "xx");
            tree.Write("admin/a.css", "xyz");
            var inv = new MediaInventory(tree.Root, "media");
            var observer = new RecordingObserver<LocalMediaFile>();
            var summary = await inv.RunAsync(observer, System.Threading.CancellationToken.None);
            var files = observer.Rows;
            Assert.Equal(3, files.Count);
            Assert.Equal("media/ok.jpg", files.Single(f => f.RelativePath == "ok.jpg").Key);
            Assert.Equal(3, summary.Files);
            Assert.Equal(6, summary.Bytes);
            Assert.Equal("admin/a.css", summary.LargestFile);
            Assert.Equal(2, summary.ProblemFiles);
            Assert.Equal(1, summary.Problems[NameProblems.NotNfc]);
            Assert.Equal(1, summary.Problems[NameProblems.TempFile]);
            Assert.Equal(1, summary.Problems[NameProblems.StaticAsset]);
        }
    }
}
