using System;
using System.Collections.Generic;
using System.IO;

namespace MediaOps.Engine.Tests
{
    /// <summary>A throwaway folder with the given files (relative path → bytes), deleted on dispose.</summary>
    public sealed class TempTree : IDisposable
    {
        public TempTree(IDictionary<string, byte[]> files = null)
        {
            Root = Path.Combine(Path.GetTempPath(), "mediaops-xu-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Root);
            if (files != null) foreach (var kv in files) Write(kv.Key, kv.Value);
        }

        public string Root { get; }

        public string Write(string relativePath, byte[] content)
        {
            var full = Path.Combine(Root, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(full));
            File.WriteAllBytes(full, content);
            return full;
        }

        public string Write(string relativePath, string content) => Write(relativePath, System.Text.Encoding.UTF8.GetBytes(content));

        public void Dispose()
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>Awkward names every sync test uses: spaces, + % # quotes, non-Latin, NFD, zero bytes, deep nesting, a-b beside a/b.</summary>
        public static Dictionary<string, byte[]> AwkwardFiles() => new Dictionary<string, byte[]>
        {
            ["a b/c+d%e#f.txt"] = Bytes("spaces plus percent hash"),
            ["q'uo\"te.jpg"] = Bytes("quotes"),
            ["日本/写真.webp"] = Bytes("webp"),
            ["Ελληνικά/файл.avif"] = Bytes("avif"),
            ["cafe\u0301.txt"] = Bytes("nfd name"),
            ["empty.bin"] = Array.Empty<byte>(),
            ["a-b"] = Bytes("dash"),
            ["a/b"] = Bytes("slash"),
            ["a0"] = Bytes("zero"),
            ["deep/1/2/3/4/5/6/7/8/9/10/x.svg"] = Bytes("<svg xmlns='http://www.w3.org/2000/svg'/>"),
            ["emoji 😀/font.woff2"] = Bytes("woff2"),
            ["\uE000private.js"] = Bytes("js"),
            ["logs/app.log.gz"] = Bytes("gz"),
        };

        public static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);
    }
}
