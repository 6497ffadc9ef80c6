using System.Collections;
using System.Management.Automation;
using MediaOps.Transfer;

namespace MediaOps.Infrastructure
{
    /// <summary>-CacheControl and -ObjectParameters, shared by Sync-MediaToS3 and New-MediaDjangoSettings so both say the same.</summary>
    internal static class ObjectParameterBinding
    {
        /// <summary>Validated parameters; values unwrapped from PowerShell's PSObject (nested Metadata too).</summary>
        public static ObjectParameters Parse(Hashtable objectParameters, string cacheControl) =>
            ObjectParameters.Parse(Unwrap(objectParameters), cacheControl);

        private static IDictionary Unwrap(IDictionary values)
        {
            if (values == null) return null;
            var plain = new Hashtable(System.StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in values)
            {
                var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
                plain[entry.Key is PSObject key ? key.BaseObject : entry.Key] = value is IDictionary nested ? Unwrap(nested) : value;
            }
            return plain;
        }
    }
}
