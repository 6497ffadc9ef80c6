using System.Collections.Generic;

namespace MediaOps
{
    /// <summary>Totals of a MEDIA_ROOT audit.</summary>
    public sealed class MediaInventorySummary
    {
        public string Path { get; internal set; }
        public long Files { get; internal set; }
        public long Bytes { get; internal set; }
        public string LargestFile { get; internal set; }
        public long ProblemFiles { get; internal set; }
        /// <summary>Problem kind → number of files with it.</summary>
        public IReadOnlyDictionary<string, long> Problems { get; internal set; }
    }
}
