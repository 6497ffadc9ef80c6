using System;
using System.Collections.Generic;

namespace MediaOps
{
    /// <summary>The outcome of one sync run.</summary>
    public sealed class SyncResult
    {
        public SyncDirection Direction { get; internal set; }
        public string Source { get; internal set; }
        public string Destination { get; internal set; }
        public bool WhatIf { get; internal set; }
        public long Planned { get; internal set; }
        public long Transferred { get; internal set; }
        public long Skipped { get; internal set; }
        public long Deleted { get; internal set; }
        public long Failed { get; internal set; }
        /// <summary>Objects whose delete (-Delete) or restore was put to the confirmation and not confirmed (declined, or a host that cannot ask): nothing was done to them.</summary>
        public long NotConfirmed { get; internal set; }
        public long Bytes { get; internal set; }
        public TimeSpan Duration { get; internal set; }
        public double BytesPerSecond { get; internal set; }
        /// <summary>Requests the SDK retried (throttling, 5xx, dropped connections).</summary>
        public long Retries { get; internal set; }
        public IReadOnlyList<string> Errors { get; internal set; } = Array.Empty<string>();
        /// <summary>The -Partition slice ("k/n") the run covered; null when it was not partitioned.</summary>
        public string Partition { get; internal set; }
    }
}
