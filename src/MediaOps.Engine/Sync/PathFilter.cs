using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace MediaOps.Sync
{
    /// <summary>
    /// -Exclude globs over the relative path (the Django name), as `aws s3 sync --exclude` reads them:
    /// '*' matches any run of characters including '/', '?' one character, [abc] a set.
    /// A pattern without '/' also matches the file name alone, so '*.tmp' or '.DS_Store' work anywhere.
    /// </summary>
    public sealed class PathFilter
    {
        private readonly List<(Regex Regex, bool NameOnly)> _patterns = new List<(Regex, bool)>();

        public PathFilter(IEnumerable<string> excludeGlobs)
        {
            if (excludeGlobs == null) return;
            foreach (var glob in excludeGlobs)
            {
                if (string.IsNullOrEmpty(glob)) continue;
                var g = glob.Replace('\\', '/');
                _patterns.Add((new Regex(ToRegex(g), RegexOptions.CultureInvariant | RegexOptions.Singleline), g.IndexOf('/') < 0));
            }
        }

        public bool IsExcluded(string relativePath)
        {
            if (_patterns.Count == 0) return false;
            var slash = relativePath.LastIndexOf('/');
            var name = slash < 0 ? relativePath : relativePath.Substring(slash + 1);
            foreach (var (regex, nameOnly) in _patterns)
                if (regex.IsMatch(relativePath) || (nameOnly && regex.IsMatch(name))) return true;
            return false;
        }

        private static string ToRegex(string glob)
        {
            var sb = new StringBuilder("^");
            for (var i = 0; i < glob.Length; i++)
            {
                var c = glob[i];
                switch (c)
                {
                    case '*': sb.Append(".*"); break;
                    case '?': sb.Append('.'); break;
                    case '[':
                        var close = glob.IndexOf(']', i + 1);
                        if (close < 0) { sb.Append("\\["); break; }
                        var set = glob.Substring(i + 1, close - i - 1);
                        if (set.StartsWith("!", StringComparison.Ordinal)) set = "^" + set.Substring(1);
                        sb.Append('[').Append(set.Replace("\\", "\\\\")).Append(']');
                        i = close;
                        break;
                    default: sb.Append(Regex.Escape(c.ToString())); break;
                }
            }
            return sb.Append('$').ToString();
        }
    }
}
