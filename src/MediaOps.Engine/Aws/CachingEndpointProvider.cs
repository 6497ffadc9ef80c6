using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Reflection;
using System.Text;
using Amazon.Runtime.Endpoints;
using Amazon.S3.Endpoints;

namespace MediaOps.Aws
{
    /// <summary>
    /// Remembers S3 endpoint resolutions. The SDK runs the whole S3 endpoint rule set (URL parsing,
    /// JSON interpolation, dictionaries) for every request: about half of its CPU per small PutObject.
    /// The outcome depends on the client settings and the bucket; whether it also depends on the
    /// object key (Key, Prefix, CopySource) is checked, not assumed: a miss resolves twice, the second
    /// time with those fields changed, and only a result that does not move is remembered.
    /// </summary>
    internal sealed class CachingEndpointProvider : IEndpointProvider
    {
        private const int MaxEntries = 256;
        private static readonly PropertyInfo[] Properties = typeof(S3EndpointParameters)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();
        private static readonly string[] ObjectFields = { "Key", "Prefix", "CopySource" };

        private readonly IEndpointProvider _inner;
        private readonly ConcurrentDictionary<string, Endpoint> _known = new ConcurrentDictionary<string, Endpoint>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> _objectDependent = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        public CachingEndpointProvider(IEndpointProvider inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

        public Endpoint ResolveEndpoint(EndpointParameters parameters)
        {
            if (!(parameters is S3EndpointParameters s3)) return _inner.ResolveEndpoint(parameters);
            var id = Identity(s3);
            if (_known.TryGetValue(id, out var known)) return Copy(known);
            var endpoint = _inner.ResolveEndpoint(parameters);
            if (endpoint != null && _known.Count < MaxEntries && !_objectDependent.ContainsKey(id))
            {
                var probe = _inner.ResolveEndpoint(WithOtherObject(s3));
                if (probe != null && string.Equals(probe.URL, endpoint.URL, StringComparison.Ordinal)) _known.TryAdd(id, Copy(endpoint));
                else _objectDependent.TryAdd(id, true);
            }
            return endpoint;
        }

        /// <summary>Every parameter except the object-level ones, in a fixed order.</summary>
        private static string Identity(S3EndpointParameters parameters)
        {
            var sb = new StringBuilder(128);
            foreach (var p in Properties)
            {
                if (Array.IndexOf(ObjectFields, p.Name) >= 0) continue;
                var value = p.GetValue(parameters);
                sb.Append(p.Name).Append('=').Append(value == null ? "\u0000" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\u0001');
            }
            return sb.ToString();
        }

        private static S3EndpointParameters WithOtherObject(S3EndpointParameters parameters)
        {
            var other = new S3EndpointParameters();
            foreach (var p in Properties) p.SetValue(other, p.GetValue(parameters));
            foreach (var name in ObjectFields)
            {
                var p = Properties.FirstOrDefault(x => x.Name == name && x.PropertyType == typeof(string));
                if (p != null) p.SetValue(other, ((string)p.GetValue(parameters) ?? "") + "mediaops-probe/x");
            }
            return other;
        }

        private static Endpoint Copy(Endpoint endpoint) =>
            new Endpoint(endpoint.URL) { Attributes = endpoint.Attributes, Headers = endpoint.Headers };
    }
}
