using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace MediaOps.Sync
{
    /// <summary>
    /// Keys to delete, collected during the copy pass and acted on only after it ended cleanly.
    /// They go to a temp file (length-prefixed UTF-8, since keys may hold newlines) so memory stays
    /// flat even when a whole prefix is to be removed. The file has no name while the run lives: on
    /// Unix it is unlinked as soon as it is open (a killed run leaves nothing in TMPDIR), on Windows it
    /// is opened delete-on-close, which the OS honours when the process dies.
    /// </summary>
    internal sealed class DeleteSpool : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "mediaops-delete-" + Guid.NewGuid().ToString("N") + ".bin");
        private FileStream _file;
        private BinaryWriter _writer;

        public long Count { get; private set; }
        public long Bytes { get; private set; }

        /// <summary>Where the spool was created (it has no name once open on Unix).</summary>
        internal string CreatedAt => _path;

        public void Add(string key, long size)
        {
            if (_writer == null) _writer = new BinaryWriter(Open(), Encoding.UTF8, leaveOpen: true);
            _writer.Write(key);
            _writer.Write(size);
            Count++;
            Bytes += size;
        }

        private FileStream Open()
        {
            _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose);
            // Unix keeps an unlinked file's bytes for the open handle; nothing is left behind, whatever kills the run.
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                try { File.Delete(_path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            return _file;
        }

        /// <summary>The spooled keys in the order added (key order), in batches of up to 1,000 (DeleteObjects' limit).</summary>
        public IEnumerable<List<(string Key, long Size)>> Batches(int size = 1000)
        {
            if (_writer == null) yield break;
            _writer.Flush();
            _file.Position = 0;
            using (var reader = new BinaryReader(_file, Encoding.UTF8, leaveOpen: true))
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
            _file?.Dispose(); // DeleteOnClose: removes it where it still has a name
            _file = null;
        }
    }
}
