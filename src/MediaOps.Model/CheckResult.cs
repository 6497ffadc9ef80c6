namespace MediaOps
{
    /// <summary>One row of a verification: what was checked, what was found, and what to do about it.</summary>
    public sealed class CheckResult
    {
        public CheckResult(string target, string check, CheckStatus status, string expected, string actual, string message)
        {
            Target = target;
            Check = check;
            Status = status;
            Expected = expected;
            Actual = actual;
            Message = message;
        }

        /// <summary>The thing checked, e.g. <c>s3://bucket/media/</c>.</summary>
        public string Target { get; }
        public string Check { get; }
        public CheckStatus Status { get; }
        public string Expected { get; }
        public string Actual { get; }
        /// <summary>What it means and what to do about it.</summary>
        public string Message { get; }

        /// <summary>True when the row is neither Fail nor Error.</summary>
        public bool IsSuccess => Status != CheckStatus.Fail && Status != CheckStatus.Error;

        public override string ToString() => $"{Check}: {Status}";
    }
}
