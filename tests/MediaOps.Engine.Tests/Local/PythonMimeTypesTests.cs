using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using MediaOps.Local;
using Xunit;

namespace MediaOps.Engine.Tests
{
    public class PythonMimeTypesTests
    {
        private static readonly string[] Names =
        {
            "a.webp", "a.avif", "a.woff2", "a.woff", "a.js", "a.mjs", "a.svg", "a.svgz", "a.gz", "a.tar.gz", "a.tgz", "a.TGZ",
            "a.tar.bz2", "a.txt.xz", "a.css.br", "a.Z", "a.GZ", "a.JPG", "photo.jpeg", "a.png", "a.pdf", "a.heic", "a.mp4",
            "a.json", "a.csv", "noext", ".bashrc", "..gz", "dir.v2/file", "a.unknownext", "x/y.tar.gz", "a.ico", "a.mov",
        };

        [Fact]
        public void Matches_the_python_that_django_runs_on_this_machine()
        {
            // The real reference: Debian's python3, which Django + django-storages use here.
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import json,sys,mimetypes; print(json.dumps([list(mimetypes.guess_type(n)) for n in json.load(sys.stdin)]))");
            using var p = Process.Start(psi);
            p.StandardInput.Write(JsonSerializer.Serialize(Names));
            p.StandardInput.Close();
            var expected = JsonSerializer.Deserialize<List<List<string>>>(p.StandardOutput.ReadToEnd());
            p.WaitForExit();
            for (var i = 0; i < Names.Length; i++)
            {
                var (type, encoding) = PythonMimeTypes.Guess(Names[i]);
                Assert.True(expected[i][0] == type && expected[i][1] == encoding,
                    $"{Names[i]}: python says ({expected[i][0]}, {expected[i][1]}), we say ({type}, {encoding})");
            }
        }

        [Theory]
        [InlineData("a.webp", "image/webp")]
        [InlineData("a.avif", "image/avif")]
        [InlineData("a.woff2", "font/woff2")]
        [InlineData("a.js", "text/javascript")]
        [InlineData("a.svg", "image/svg+xml")]
        [InlineData("noext", "application/octet-stream")]
        public void Types_that_the_dotnet_table_gets_wrong(string name, string expected) =>
            Assert.Equal(expected, PythonMimeTypes.ContentTypeFor(name));

        [Fact]
        public void Gzip_sets_encoding_and_inner_type()
        {
            Assert.Equal(("application/x-tar", "gzip"), PythonMimeTypes.Guess("backup.tar.gz"));
            Assert.Equal(((string)null, "gzip"), PythonMimeTypes.Guess("log.gz"));
            Assert.Equal(("image/svg+xml", "gzip"), PythonMimeTypes.Guess("icon.svgz"));
        }
    }
}
