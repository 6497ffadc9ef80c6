using System;

namespace MediaOps
{
    /// <summary>The URL Django would hand out for a file name.</summary>
    public sealed class MediaUrl
    {
        public string Name { get; internal set; }
        public string Key { get; internal set; }
        public string Url { get; internal set; }
        /// <summary>Null for an unsigned (public) URL.</summary>
        public DateTime? ExpiresUtc { get; internal set; }

        public override string ToString() => Url;
    }
}
