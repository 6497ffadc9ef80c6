using System;

namespace MediaOps.Transfer
{
    /// <summary>Knobs of the transfer engine. Defaults are tuned for many small files plus a few large ones.</summary>
    public sealed class TransferSettings
    {
        public const int DefaultConcurrency = 16;
        public const long MiB = 1024 * 1024;

        /// <summary>Files in flight at once (and multipart parts in flight across all files).</summary>
        public int Concurrency { get; set; } = DefaultConcurrency;

        /// <summary>
        /// Multipart parts in flight across all files, each held in one part-size buffer: 8 x 8 MiB =
        /// 64 MiB, whatever the file sizes (the aws CLI keeps 10 in memory). More parts in flight did
        /// not upload faster in the benchmark, only used more memory.
        /// </summary>
        public int MaxPartsInFlight { get; set; } = 8;

        /// <summary>Parts in flight for this run: no more than the file concurrency either.</summary>
        public int PartsInFlight => Math.Max(1, Math.Min(Concurrency, MaxPartsInFlight));

        /// <summary>Files larger than this go multipart (the aws CLI uses 8 MiB too).</summary>
        public long MultipartThreshold { get; set; } = 8 * MiB;

        /// <summary>Smallest part size; grows for huge files so there are at most 10,000 parts.</summary>
        public long PartSize { get; set; } = 8 * MiB;

        /// <summary>How often progress is reported (Write-Progress is not free; twice a second is plenty).</summary>
        public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>Environment variable that overrides <see cref="ReadTimeout"/>, in seconds (e.g. 300 on a link that pauses for minutes).</summary>
        public const string ReadTimeoutVariable = "MEDIAOPS_READ_TIMEOUT_SECONDS";

        /// <summary>
        /// How long a transfer may make no progress: a download that receives no byte for this long, or an upload
        /// not answered within this plus its size at <see cref="SlowestRate"/>. 60 s, as the aws CLI's read timeout;
        /// <see cref="ReadTimeoutVariable"/> overrides it. A stalled request is retried <see cref="StallRetries"/> times.
        /// </summary>
        public TimeSpan ReadTimeout { get; set; } = ReadTimeoutFrom(Environment.GetEnvironmentVariable);

        /// <summary>Further attempts after a stalled request, before the item fails.</summary>
        public int StallRetries { get; set; } = 2;

        /// <summary>The slowest upload rate (bytes per second) that is not a stall: 64 KiB/s.</summary>
        public const long SlowestRate = 64 * 1024;

        /// <summary>The time an upload of <paramref name="bytes"/> may take before it counts as stalled.</summary>
        public TimeSpan UploadTimeoutFor(long bytes) => ReadTimeout + TimeSpan.FromSeconds((double)bytes / SlowestRate);

        internal static TimeSpan ReadTimeoutFrom(Func<string, string> environment)
        {
            var text = environment(ReadTimeoutVariable);
            return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromSeconds(60);
        }

        /// <summary>Part size for a file of <paramref name="length"/> bytes: ≥ PartSize, ≤ 10,000 parts, whole MiB.</summary>
        public long PartSizeFor(long length)
        {
            var size = Math.Max(PartSize, 5 * MiB);
            var needed = (length + 9999) / 10000;
            if (needed > size) size = (needed + MiB - 1) / MiB * MiB;
            return size;
        }
    }
}
