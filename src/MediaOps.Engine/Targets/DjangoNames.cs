using System;
using System.Collections.Generic;

namespace MediaOps.Targets
{
    /// <summary>
    /// django-storages' mapping of a FileField name to an S3 key, mirrored exactly:
    /// <c>S3Boto3Storage._normalize_name(clean_name(name))</c>, i.e. <c>posixpath.normpath</c>,
    /// backslashes to '/', then <c>safe_join(location, name)</c>, which refuses a name that
    /// leaves the location (Django raises SuspiciousOperation for it).
    /// </summary>
    public static class DjangoNames
    {
        /// <summary>storages.utils.clean_name: normpath first, then '\' → '/', trailing '/' kept, '.' → ''.</summary>
        public static string CleanName(string name)
        {
            if (name == null) return "";
            var clean = PosixNormPath(name).Replace('\\', '/');
            if (name.EndsWith("/", StringComparison.Ordinal) && !clean.EndsWith("/", StringComparison.Ordinal)) clean += "/";
            return clean == "." ? "" : clean;
        }

        /// <summary>
        /// The key for <paramref name="name"/> under <paramref name="prefix"/> (storages.utils.safe_join), or null
        /// when django-storages would refuse the name because it escapes the prefix ('../x', or '/x' under a prefix).
        /// </summary>
        public static string TryKeyFor(string prefix, string name)
        {
            var basePath = (prefix ?? "").TrimEnd('/');
            var path = CleanName(name);
            var finalPath = basePath + "/";
            var joined = PosixNormPath(PosixJoin(finalPath, path));
            if (path.EndsWith("/", StringComparison.Ordinal) || joined + "/" == finalPath) joined += "/";
            finalPath = joined;
            if (finalPath == basePath) finalPath += "/";
            if (!finalPath.StartsWith(basePath, StringComparison.Ordinal) || finalPath.Length <= basePath.Length || finalPath[basePath.Length] != '/')
                return null;
            return finalPath.TrimStart('/');
        }

        /// <summary>As <see cref="TryKeyFor"/>, but a refused name is an InvalidArgument error (Django's SuspiciousOperation).</summary>
        public static string KeyFor(string prefix, string name) =>
            TryKeyFor(prefix, name) ?? throw new MediaOpsException("SuspiciousName", FailureKind.InvalidArgument,
                $"'{name}' leads outside the prefix '{prefix}'; django-storages refuses it (SuspiciousOperation). Django never stores such a name: check where it came from.", name);

        private static string PosixJoin(string a, string b) =>
            b.StartsWith("/", StringComparison.Ordinal) ? b : (a.Length == 0 || a.EndsWith("/", StringComparison.Ordinal) ? a + b : a + "/" + b);

        /// <summary>Python's posixpath.normpath.</summary>
        internal static string PosixNormPath(string path)
        {
            if (path.Length == 0) return ".";
            int initialSlashes = path.StartsWith("/", StringComparison.Ordinal) ? 1 : 0;
            // POSIX lets exactly two leading slashes mean something else; Python keeps them, three or more become one.
            if (initialSlashes == 1 && path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal))
                initialSlashes = 2;
            var parts = new List<string>();
            foreach (var comp in path.Split('/'))
            {
                if (comp.Length == 0 || comp == ".") continue;
                if (comp != ".." || (initialSlashes == 0 && parts.Count == 0) || (parts.Count > 0 && parts[parts.Count - 1] == ".."))
                    parts.Add(comp);
                else if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
            }
            var result = new string('/', initialSlashes) + string.Join("/", parts);
            return result.Length == 0 ? "." : result;
        }
    }
}
