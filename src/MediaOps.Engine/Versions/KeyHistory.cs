using System;
using System.Collections.Generic;
using System.Linq;

namespace MediaOps.Versions
{
    /// <summary>Every version and delete marker of one key, newest first.</summary>
    internal sealed class KeyHistory
    {
        private KeyHistory(string key, string name, IReadOnlyList<MediaVersion> versions)
        {
            Key = key;
            Name = name;
            Versions = versions;
        }

        public string Key { get; }
        public string Name { get; }
        /// <summary>Newest first. Never empty.</summary>
        public IReadOnlyList<MediaVersion> Versions { get; }
        /// <summary>What a GET returns now (a delete marker when the key is deleted).</summary>
        public MediaVersion Current => Versions[0];

        /// <summary>
        /// Orders <paramref name="entries"/> newest first. S3 lists a key's entries newest first, but
        /// LastModified has whole seconds only, so the server's order decides within a second; the
        /// entry S3 flags IsLatest comes first whatever its stamp. A server that lists delete markers
        /// after versions (moto) is ordered by stamp, which is exact unless a marker and a version of
        /// the same key share a second.
        /// </summary>
        public static KeyHistory From(string key, string name, List<MediaVersion> entries)
        {
            if (entries == null || entries.Count == 0) throw new ArgumentException("A key has at least one version.", nameof(entries));
            var ordered = entries
                .Select((v, i) => (v, i))
                .OrderBy(x => x.v.IsLatest ? 0 : 1)
                .ThenByDescending(x => x.v.LastModifiedUtc)
                .ThenBy(x => x.i)
                .Select(x => x.v)
                .ToList();
            return new KeyHistory(key, name, ordered);
        }

        /// <summary>
        /// The entry that was current at <paramref name="asOfUtc"/>: the newest one stamped at or before it
        /// (a version written exactly at that second counts as "at" it). Null when the key did not exist yet.
        /// </summary>
        public MediaVersion AsOf(DateTime asOfUtc)
        {
            foreach (var v in Versions)
                if (v.LastModifiedUtc <= asOfUtc) return v;
            return null;
        }
    }
}
