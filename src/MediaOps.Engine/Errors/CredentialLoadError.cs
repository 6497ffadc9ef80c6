using System;
using System.IO;
using System.Text.RegularExpressions;

namespace MediaOps.Errors
{
    /// <summary>
    /// What the user sees when loading credentials fails. The SDK's exceptions quote the offending line of a
    /// shared credentials or config file, secret and all, so none of them is passed on, not even as an inner
    /// exception (ConvertTo-Json of $Error would print it): the file and the line number are all that is kept.
    /// </summary>
    public static class CredentialLoadError
    {
        public const string FileInvalidErrorId = "MediaOps.CredentialFileInvalid";

        private static readonly Regex LineInFile = new Regex(@"Line (?<line>\d+):.*?in file (?<file>.+?) does not", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex AnyLine = new Regex(@"\bLine (?<line>\d+)\b", RegexOptions.CultureInvariant);

        /// <summary>A MediaOps error for <paramref name="ex"/>, thrown while credentials were loaded, that carries nothing of its text.</summary>
        public static MediaOpsException From(Exception ex, string profileName = null)
        {
            var text = Text(ex);
            var m = LineInFile.Match(text);
            if (m.Success) return FileInvalid(m.Groups["file"].Value.Trim(), m.Groups["line"].Value);
            m = AnyLine.Match(text);
            if (m.Success && LooksLikeIniError(text)) return FileInvalid(null, m.Groups["line"].Value);
            var what = profileName == null ? "the AWS credential chain" : $"profile '{profileName}'";
            return new MediaOpsException("CredentialLoadFailed", FailureKind.NoCredentials,
                $"Loading credentials from {what} failed ({ex.GetType().Name}; its details are not shown because they can quote a secret). " +
                $"Check {Describe(null)} and the AWS_* environment variables, or pass -Credential.");
        }

        /// <summary>True when <paramref name="ex"/> came from reading a shared credentials or config file.</summary>
        public static bool IsFileError(Exception ex)
        {
            var text = Text(ex);
            return LineInFile.IsMatch(text) || LooksLikeIniError(text);
        }

        /// <summary>Every message of the exception and its inner ones (an AggregateException's ToString lists them all).</summary>
        private static string Text(Exception ex) => ex == null ? "" : ex.ToString();

        private static bool LooksLikeIniError(string message) =>
            message.IndexOf("does not contain a section, property or comment", StringComparison.Ordinal) >= 0;

        private static MediaOpsException FileInvalid(string file, string line) =>
            new MediaOpsException(FileInvalidErrorId, FailureKind.NoCredentials,
                $"{Capitalized(Describe(file))} cannot be read: line {line} is not a [section], a 'name = value' setting or a comment. " +
                "Fix that line (the line is not shown: it may hold a secret), or pass -Credential or another -ProfileName.", file);

        private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text.Substring(1);

        private static string Describe(string file)
        {
            if (!string.IsNullOrEmpty(file)) return $"The shared credentials/config file '{file}'";
            var credentials = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
            var config = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return $"the shared credentials file ('{(string.IsNullOrEmpty(credentials) ? Path.Combine(home, ".aws", "credentials") : credentials)}') " +
                   $"or config file ('{(string.IsNullOrEmpty(config) ? Path.Combine(home, ".aws", "config") : config)}')";
        }
    }
}
