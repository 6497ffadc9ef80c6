using System.Text.RegularExpressions;

namespace MediaOps.Targets
{
    /// <summary>S3's general-purpose bucket naming rules, checked before any request is sent.</summary>
    public static class BucketNameRules
    {
        private static readonly Regex Allowed = new Regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", RegexOptions.CultureInvariant);
        private static readonly Regex IpLike = new Regex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$", RegexOptions.CultureInvariant);

        /// <summary>Null when the name is valid, else the rule it breaks.</summary>
        public static string Check(string name)
        {
            if (string.IsNullOrEmpty(name)) return "it is empty";
            if (name.Length < 3 || name.Length > 63) return $"it must be 3 to 63 characters long (it has {name.Length})";
            if (!Allowed.IsMatch(name)) return "use only lowercase letters, digits, dots and hyphens, and start and end with a letter or digit";
            if (name.Contains("..")) return "it must not contain two dots in a row";
            if (name.Contains(".-") || name.Contains("-.")) return "a dot must not stand next to a hyphen";
            if (IpLike.IsMatch(name)) return "it must not look like an IP address";
            if (name.StartsWith("xn--") || name.StartsWith("sthree-") || name.StartsWith("amzn-s3-demo-")) return "that prefix is reserved by AWS";
            if (name.EndsWith("-s3alias") || name.EndsWith("--ol-s3") || name.EndsWith(".mrap") || name.EndsWith("--x-s3") || name.EndsWith("--table-s3"))
                return "that suffix is reserved by AWS";
            return null;
        }
    }
}
