using System;

namespace MediaOps.Local
{
    /// <summary>
    /// Content-Type and Content-Encoding exactly as Python's <c>mimetypes.guess_type(name)</c> gives them,
    /// which is what django-storages sends (the .NET/SDK tables differ for .webp, .avif, .woff2, .js).
    /// The table is generated from the deployment's Python (see PythonMimeTypes.generate.py).
    /// </summary>
    public static partial class PythonMimeTypes
    {
        /// <summary>What django-storages uses when Python knows no type.</summary>
        public const string DefaultContentType = "application/octet-stream";

        /// <summary>Python's guess: (type or null, encoding or null), strict table, same suffix rules.</summary>
        public static (string ContentType, string ContentEncoding) Guess(string name)
        {
            if (string.IsNullOrEmpty(name)) return (null, null);
            var (stem, ext) = SplitExt(name);
            // suffix_map (.tgz → .tar.gz, .svgz → .svg.gz) is looked up lower-cased, repeatedly.
            while (SuffixMap.TryGetValue(ext.ToLowerInvariant(), out var expanded))
                (stem, ext) = SplitExt(stem + expanded);
            string encoding = null;
            // encodings_map is case sensitive (.gz yes, .GZ no), as in Python.
            if (EncodingsMap.TryGetValue(ext, out var enc))
            {
                encoding = enc;
                (stem, ext) = SplitExt(stem);
            }
            TypesMap.TryGetValue(ext.ToLowerInvariant(), out var type);
            return (type, encoding);
        }

        /// <summary>The Content-Type django-storages would set: the guess, else application/octet-stream.</summary>
        public static string ContentTypeFor(string name) => Guess(name).ContentType ?? DefaultContentType;

        /// <summary>posixpath.splitext: the last dot after the last '/', ignoring leading dots of the file name.</summary>
        internal static (string Stem, string Ext) SplitExt(string path)
        {
            var sep = path.LastIndexOf('/');
            var dot = path.LastIndexOf('.');
            if (dot > sep)
            {
                for (var i = sep + 1; i < dot; i++)
                    if (path[i] != '.') return (path.Substring(0, dot), path.Substring(dot));
            }
            return (path, "");
        }
    }
}
