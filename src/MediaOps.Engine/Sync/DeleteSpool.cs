using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MediaOps.Sync
{
    /// <summary>
    /// Keys to delete, collected during the copy pass and acted on only after it ended cleanly.
    /// They go to a temp file (length-prefixed UTF-8, since keys may hold newlines) so memory stays
    /// flat even when a whole prefix is to be removed.
    /// </summary>
    internal sealed class DeleteSpool : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "mediaops-delete-" + Guid.NewGuid().ToString("N") + ".bin");
        private BinaryWriter _writer;

        public long Count { get; private set; }
        public long Bytes { get; private set; }

        public void Add(string key, long size)
        {
            if (_writer == null) _writer = new BinaryWriter(new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024), Encoding.UTF8);
            _writer.Write(key);
            _writer.Write(size);
            Count++;
            Bytes += size;
        }

        /// <summary>The spooled keys in the order added (key order), in batches of up to 1,000 (DeleteObjects' limit).</summary>
        public IEnumerable<List<(string Key, long Size)>> Batches(int size = 1000)
        {
            if (_writer == null) yield break;
            _writer.Flush();
            _writer.Dispose();
            _writer = null;
            using (var reader = new BinaryReader(new FileStream(_path, FileMode.Open, FileAccess.Read), Encoding.UTF8))
            {
                var batch = new List<(string, long)>(size);
                for (long i = 0; i < Count; i++)
                {
                    batch.Add((reader.ReadString(), reader.ReadInt64()));
                    if (batch.Count == size)
                    {
                        yield return batch;
                        batch = new List<(string, long)>(size);
                    }
                }
                if (batch.Count > 0) yield return batch;
            }
        }

        public void Dispose()
        {
            _writer?.Dispose();
            _writer = null;
            try { if (File.Exists(_path)) File.Delete(_path); } catch (IOException) { }
        }
    }
}
