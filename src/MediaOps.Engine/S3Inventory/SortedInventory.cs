using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using MediaOps.Local;

namespace MediaOps.S3Inventory
{
    /// <summary>
    /// An inventory sorted into one file in S3's key order (UTF-8 bytes), cut into ~8 KiB blocks with the first
    /// key of each block held in memory. A name is looked up by a binary search over those keys and one block
    /// read; the whole listing streams in key order for the sync planner. Memory grows with the number of
    /// blocks (about 1/90 of the rows), not with the rows; the rows live on disk, in the temp folder, until disposed.
    /// </summary>
    public sealed class SortedInventory : IDisposable
    {
        internal const int BlockBytes = 8 * 1024;
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        private readonly string _folder;
        private readonly string _file;
        private readonly List<byte[]> _blockKeys;
        private readonly List<long> _blockOffsets;
        private readonly long _length;
        private readonly object _gate = new object();
        private FileStream _reader;
        private int _cachedBlock = -1;
        private byte[] _cachedBytes;

        internal SortedInventory(string folder, string file, List<byte[]> blockKeys, List<long> blockOffsets, long count, InventoryManifest manifest)
        {
            _folder = folder;
            _file = file;
            _blockKeys = blockKeys;
            _blockOffsets = blockOffsets;
            _length = new FileInfo(file).Length;
            Count = count;
            Manifest = manifest;
        }

        /// <summary>Objects kept (under the prefix, in the partition; current versions only, unless read with versions).</summary>
        public long Count { get; }
        public InventoryManifest Manifest { get; }
        public DateTime CreatedUtc => Manifest.CreatedUtc;

        /// <summary>The entry for <paramref name="key"/>, or null when the inventory does not list it. Thread-safe.</summary>
        public InventoryEntry Find(string key)
        {
            if (key == null || _blockKeys.Count == 0) return null;
            var probe = Utf8.GetBytes(key);
            var block = LastBlockStartingAtOrBefore(probe);
            if (block < 0) return null;
            lock (_gate)
            {
                var bytes = ReadBlock(block);
                var at = 0;
                while (at < bytes.Length)
                {
                    var keyLength = Read7BitInt(bytes, ref at);
                    var cmp = CompareBytes(bytes, at, keyLength, probe);
                    if (cmp > 0) return null; // sorted: passed the place it would be
                    if (cmp == 0)
                    {
                        var found = Utf8.GetString(bytes, at, keyLength);
                        at += keyLength;
                        return ReadRest(found, bytes, ref at);
                    }
                    at += keyLength;
                    SkipRest(bytes, ref at);
                }
                return null;
            }
        }

        /// <summary>The entries of <paramref name="key"/> (with versions: newest first), read from disk as they go.</summary>
        public IEnumerable<InventoryEntry> EntriesOf(string key)
        {
            if (key == null || _blockKeys.Count == 0) yield break;
            var probe = Utf8.GetBytes(key);
            // A key's versions may begin in the block before the first block that starts with it.
            var block = Math.Max(0, FirstBlockStartingAtOrAfter(probe) - 1);
            using (var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            using (var reader = new BinaryReader(stream, Utf8))
            {
                stream.Position = _blockOffsets[block];
                while (stream.Position < stream.Length)
                {
                    var entry = InventoryRecord.Read(reader);
                    var c = KeyOrder.Instance.Compare(entry.Key, key);
                    if (c > 0) yield break;
                    if (c == 0) yield return entry;
                }
            }
        }

        private int FirstBlockStartingAtOrAfter(byte[] probe)
        {
            int lo = 0, hi = _blockKeys.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >> 1;
                var first = _blockKeys[mid];
                if (CompareBytes(first, 0, first.Length, probe) < 0) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        /// <summary>Every entry in S3's key order, read from disk as it goes.</summary>
        public IEnumerable<InventoryEntry> InKeyOrder()
        {
            using (var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            using (var reader = new BinaryReader(stream, Utf8))
            {
                while (stream.Position < stream.Length) yield return InventoryRecord.Read(reader);
            }
        }

        private int LastBlockStartingAtOrBefore(byte[] probe)
        {
            int lo = 0, hi = _blockKeys.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >> 1;
                var first = _blockKeys[mid];
                if (CompareBytes(first, 0, first.Length, probe) <= 0) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            return found;
        }

        private byte[] ReadBlock(int block)
        {
            if (block == _cachedBlock) return _cachedBytes;
            if (_reader == null) _reader = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var start = _blockOffsets[block];
            var end = block + 1 < _blockOffsets.Count ? _blockOffsets[block + 1] : _length;
            var bytes = new byte[end - start];
            _reader.Position = start;
            var read = 0;
            while (read < bytes.Length)
            {
                var n = _reader.Read(bytes, read, bytes.Length - read);
                if (n <= 0) throw new EndOfStreamException("The sorted inventory file ended early: " + _file);
                read += n;
            }
            _cachedBlock = block;
            _cachedBytes = bytes;
            return bytes;
        }

        private static InventoryEntry ReadRest(string key, byte[] bytes, ref int at)
        {
            var size = BitConverter.ToInt64(bytes, at); at += 8;
            var ticks = BitConverter.ToInt64(bytes, at); at += 8;
            var eTag = ReadString(bytes, ref at);
            var encryption = ReadString(bytes, ref at);
            var version = ReadString(bytes, ref at);
            var flags = bytes[at++];
            return InventoryRecord.Entry(key, size, ticks, eTag, encryption, version, flags);
        }

        private static void SkipRest(byte[] bytes, ref int at)
        {
            at += 16;
            var eTagLength = Read7BitInt(bytes, ref at); // read first: 'at += Read7BitInt(ref at)' would add to the old 'at'
            at += eTagLength;
            var encryptionLength = Read7BitInt(bytes, ref at);
            at += encryptionLength;
            var versionLength = Read7BitInt(bytes, ref at);
            at += versionLength + 1; // and the flags byte
        }

        private static string ReadString(byte[] bytes, ref int at)
        {
            var n = Read7BitInt(bytes, ref at);
            var s = Utf8.GetString(bytes, at, n);
            at += n;
            return s;
        }

        private static int Read7BitInt(byte[] bytes, ref int at)
        {
            int value = 0, shift = 0;
            while (true)
            {
                var b = bytes[at++];
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
                shift += 7;
            }
        }

        /// <summary>Unsigned byte order: S3's key order.</summary>
        internal static int CompareBytes(byte[] a, int offset, int length, byte[] b)
        {
            var n = Math.Min(length, b.Length);
            for (var i = 0; i < n; i++)
            {
                var d = a[offset + i] - b[i];
                if (d != 0) return d;
            }
            return length.CompareTo(b.Length);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _reader?.Dispose();
                _reader = null;
            }
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The on-disk shape of one entry (spill runs and the sorted file): key, size, time, ETag, encryption, version id, flags.</summary>
    internal static class InventoryRecord
    {
        /// <summary>Writes the entry; returns the bytes written (counted here: flushing to ask the stream would cost a syscall a row).</summary>
        public static int Write(BinaryWriter w, InventoryEntry e)
        {
            w.Write(e.Key);
            w.Write(e.Size);
            w.Write(e.LastModifiedUtc.Ticks);
            w.Write(e.ETag ?? "");
            w.Write(e.EncryptionStatus ?? "");
            w.Write(e.VersionId ?? "");
            w.Write(Flags(e));
            return StringBytes(e.Key) + 16 + StringBytes(e.ETag ?? "") + StringBytes(e.EncryptionStatus ?? "") + StringBytes(e.VersionId ?? "") + 1;
        }

        private const byte Latest = 1, DeleteMarker = 2, Versioned = 4;

        private static byte Flags(InventoryEntry e) =>
            (byte)((e.IsLatest ? Latest : 0) | (e.IsDeleteMarker ? DeleteMarker : 0) | (e.VersionId != null ? Versioned : 0));

        internal static InventoryEntry Entry(string key, long size, long ticks, string eTag, string encryption, string version, byte flags) =>
            new InventoryEntry(key, size, new DateTime(ticks, DateTimeKind.Utc), eTag, encryption.Length == 0 ? null : encryption,
                (flags & Versioned) != 0 ? version : null, (flags & Latest) != 0, (flags & DeleteMarker) != 0);

        /// <summary>S3's key order; the versions of one key newest first (the current one first at equal times), as ListObjectVersions gives them.</summary>
        public static int Compare(InventoryEntry a, InventoryEntry b)
        {
            var c = KeyOrder.Instance.Compare(a.Key, b.Key);
            if (c != 0 || a.VersionId == null || b.VersionId == null) return c;
            c = b.LastModifiedUtc.CompareTo(a.LastModifiedUtc);
            if (c != 0) return c;
            c = b.IsLatest.CompareTo(a.IsLatest);
            return c != 0 ? c : string.CompareOrdinal(a.VersionId, b.VersionId);
        }

        /// <summary>Two rows of the same object (a report may list one twice): same key and, with versions, same version.</summary>
        public static bool SameObject(InventoryEntry a, InventoryEntry b) => a.Key == b.Key && a.VersionId == b.VersionId;

        /// <summary>BinaryWriter's string: a 7-bit-encoded byte count, then the UTF-8 bytes.</summary>
        private static int StringBytes(string s)
        {
            var n = Encoding.UTF8.GetByteCount(s);
            var prefix = 1;
            for (var v = (uint)n >> 7; v != 0; v >>= 7) prefix++;
            return prefix + n;
        }

        public static InventoryEntry Read(BinaryReader r)
        {
            var key = r.ReadString();
            var size = r.ReadInt64();
            var ticks = r.ReadInt64();
            var eTag = r.ReadString();
            var encryption = r.ReadString();
            var version = r.ReadString();
            return Entry(key, size, ticks, eTag, encryption, version, r.ReadByte());
        }
    }

    /// <summary>
    /// External sort of inventory rows, whose order S3 does not guarantee: rows are sorted in memory in runs of
    /// <see cref="RunRows"/>, each run spilled to a temp file, then all runs merged (a heap over their heads)
    /// into the one sorted, block-indexed file. Peak memory is one run, whatever the inventory's size.
    /// </summary>
    internal sealed class InventorySorter : IDisposable
    {
        private readonly string _folder;
        private readonly int _runRows;
        private readonly List<InventoryEntry> _buffer = new List<InventoryEntry>();
        private readonly List<string> _runs = new List<string>();
        private bool _handedOver;

        public const int DefaultRunRows = 200_000;

        public InventorySorter(int runRows = DefaultRunRows)
        {
            _runRows = Math.Max(1, runRows);
            _folder = Path.Combine(Path.GetTempPath(), "mediaops-s3inventory-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_folder);
        }

        public int RunRows => _runRows;
        public int RunsSpilled => _runs.Count;

        public void Add(InventoryEntry entry)
        {
            _buffer.Add(entry);
            if (_buffer.Count >= _runRows) Spill();
        }

        private static readonly Comparison<InventoryEntry> ByKey = InventoryRecord.Compare;

        private void Spill()
        {
            if (_buffer.Count == 0) return;
            _buffer.Sort(ByKey);
            var path = Path.Combine(_folder, "run-" + _runs.Count.ToString("D5") + ".bin");
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var w = new BinaryWriter(stream, new UTF8Encoding(false)))
                foreach (var e in _buffer) InventoryRecord.Write(w, e);
            _runs.Add(path);
            _buffer.Clear();
        }

        /// <summary>Merges the runs into the sorted file. An object listed twice (same key, same version) keeps its newest entry.</summary>
        public SortedInventory Finish(InventoryManifest manifest)
        {
            Spill();
            var file = Path.Combine(_folder, "sorted.bin");
            var blockKeys = new List<byte[]>();
            var blockOffsets = new List<long>();
            long count = 0;
            var readers = new List<BinaryReader>();
            try
            {
                foreach (var run in _runs)
                    readers.Add(new BinaryReader(new FileStream(run, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), new UTF8Encoding(false)));
                var heap = new RunHeap();
                for (var i = 0; i < readers.Count; i++) heap.PushNext(readers[i], i);

                using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                using (var w = new BinaryWriter(stream, new UTF8Encoding(false)))
                {
                    InventoryEntry pending = null;
                    long blockStart = -1, position = 0;
                    void Emit(InventoryEntry e)
                    {
                        if (blockStart < 0 || position - blockStart >= SortedInventory.BlockBytes)
                        {
                            blockStart = position;
                            blockKeys.Add(Encoding.UTF8.GetBytes(e.Key));
                            blockOffsets.Add(position);
                        }
                        position += InventoryRecord.Write(w, e);
                        count++;
                    }
                    while (heap.Count > 0)
                    {
                        var (entry, run) = heap.Pop();
                        heap.PushNext(readers[run], run);
                        if (pending != null && InventoryRecord.SameObject(pending, entry))
                        {
                            if (entry.LastModifiedUtc >= pending.LastModifiedUtc) pending = entry;
                            continue;
                        }
                        if (pending != null) Emit(pending);
                        pending = entry;
                    }
                    if (pending != null) Emit(pending);
                }
            }
            finally
            {
                foreach (var r in readers) r.Dispose();
                foreach (var run in _runs) TryDelete(run);
                _runs.Clear();
            }
            _handedOver = true;
            return new SortedInventory(_folder, file, blockKeys, blockOffsets, count, manifest);
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        public void Dispose()
        {
            if (_handedOver) return;
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>A binary min-heap of each run's current head, by key (then run, so equal keys pop in run order).</summary>
        private sealed class RunHeap
        {
            private readonly List<(InventoryEntry Entry, int Run)> _items = new List<(InventoryEntry, int)>();
            public int Count => _items.Count;

            public void PushNext(BinaryReader reader, int run)
            {
                if (reader.BaseStream.Position >= reader.BaseStream.Length) return;
                _items.Add((InventoryRecord.Read(reader), run));
                var i = _items.Count - 1;
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (Less(_items[parent], _items[i])) break;
                    Swap(i, parent);
                    i = parent;
                }
            }

            public (InventoryEntry, int) Pop()
            {
                var top = _items[0];
                var last = _items.Count - 1;
                _items[0] = _items[last];
                _items.RemoveAt(last);
                var i = 0;
                while (true)
                {
                    int l = 2 * i + 1, r = l + 1, min = i;
                    if (l < _items.Count && Less(_items[l], _items[min])) min = l;
                    if (r < _items.Count && Less(_items[r], _items[min])) min = r;
                    if (min == i) break;
                    Swap(i, min);
                    i = min;
                }
                return top;
            }

            private static bool Less((InventoryEntry Entry, int Run) a, (InventoryEntry Entry, int Run) b)
            {
                var c = InventoryRecord.Compare(a.Entry, b.Entry);
                return c < 0 || (c == 0 && a.Run < b.Run);
            }

            private void Swap(int a, int b)
            {
                var t = _items[a];
                _items[a] = _items[b];
                _items[b] = t;
            }
        }
    }
}
