using System;

namespace MediaOps
{
    /// <summary>A file under MEDIA_ROOT and the S3 key it maps to.</summary>
    public sealed class LocalMediaFile
    {
        public string RelativePath { get; internal set; }
        public string Key { get; internal set; }
        public string FullName { get; internal set; }
        public long Length { get; internal set; }
        public DateTime LastWriteTimeUtc { get; internal set; }
        public string ContentType { get; internal set; }
        /// <summary>Null when the file is fine; otherwise what is wrong and what to do.</summary>
        public string Problem { get; internal set; }

        public override string ToString() => RelativePath;
    }
}
