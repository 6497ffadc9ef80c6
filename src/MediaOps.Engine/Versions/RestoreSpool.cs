using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MediaOps.Versions
{
    /// <summary>
    /// The confirmed plan of a restore: the steps that change something, written to a temp file while the
    /// listing streams (length-prefixed UTF-8, keys may hold newlines) and read back after the one question,
    /// so what runs is exactly what was confirmed and memory stays flat for any number of keys.
    /// </summary>
    internal sealed class RestoreSpool : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "mediaops-restore-" + Guid.NewGuid().ToString("N") + ".bin");
        private BinaryWriter _writer;

        public long Restores { get; private set; }
        public long Deletes { get; private set; }
        public long Bytes { get; private set; }
        public long Count => Restores + Deletes;

        public void Add(RestoreStep step)
        {
            if (_writer == null) _writer = new BinaryWriter(new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024), Encoding.UTF8);
            _writer.Write(step.Key);
            _writer.Write((byte)step.Kind);
            _writer.Write(step.Reason ?? string.Empty);
            _writer.Write(step.Length);
            var source = step.Source;
            _writer.Write(source != null);
            if (source != null)
            {
                _writer.Write(source.VersionId);
                _writer.Write(source.ETag ?? string.Empty);
                _writer.Write(source.StorageClass ?? string.Empty);
                _writer.Write(source.LastModifiedUtc.Ticks);
            }
            if (step.Kind == RestoreStepKind.Restore) { Restores++; Bytes += step.Length; } else Deletes++;
        }

        /// <summary>The spooled steps in key order.</summary>
        public IEnumerable<(string Key, RestoreStepKind Kind, string Reason, long Length, MediaVersion Source)> Steps()
        {
            if (_writer == null) yield break;
            _writer.Dispose();
            _writer = null;
            using (var reader = new BinaryReader(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.None, 64 * 1024), Encoding.UTF8))
            {
                for (long i = 0; i < Count; i++)
                {
                    var key = reader.ReadString();
                    var kind = (RestoreStepKind)reader.ReadByte();
                    var reason = reader.ReadString();
                    var length = reader.ReadInt64();
                    MediaVersion source = null;
                    if (reader.ReadBoolean())
                    {
                        source = new MediaVersion { Key = key, VersionId = reader.ReadString(), Length = length };
                        var etag = reader.ReadString();
                        var storageClass = reader.ReadString();
                        source.ETag = etag.Length == 0 ? null : etag;
                        source.StorageClass = storageClass.Length == 0 ? null : storageClass;
                        source.LastModifiedUtc = new DateTime(reader.ReadInt64(), DateTimeKind.Utc);
                    }
                    yield return (key, kind, reason, length, source);
                }
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
