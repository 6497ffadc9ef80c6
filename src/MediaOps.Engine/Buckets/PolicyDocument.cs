using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace MediaOps.Buckets
{
    /// <summary>
    /// A bucket policy read just deeply enough to reason about it (principals, actions, resources,
    /// conditions), keeping each statement's original JSON so a merge never rewrites what it did not change.
    /// </summary>
    public sealed class PolicyDocument
    {
        public const string DefaultVersion = "2012-10-17";

        private PolicyDocument(string version, string id, IReadOnlyList<PolicyStatement> statements)
        {
            Version = version;
            Id = id;
            Statements = statements;
        }

        public string Version { get; }
        public string Id { get; }
        public IReadOnlyList<PolicyStatement> Statements { get; }

        public static PolicyDocument Empty { get; } = new PolicyDocument(DefaultVersion, null, Array.Empty<PolicyStatement>());

        /// <summary>Parse a policy; throws <see cref="FormatException"/> when it is not a policy document.</summary>
        public static PolicyDocument Parse(string json)
        {
            if (string.IsNullOrWhiteSpace(json)) return Empty;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(json); }
            catch (JsonException ex) { throw new FormatException("The bucket policy is not valid JSON: " + ex.Message, ex); }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new FormatException("The bucket policy is not a JSON object.");
                string version = DefaultVersion, id = null;
                var statements = new List<PolicyStatement>();
                foreach (var p in root.EnumerateObject())
                {
                    if (Is(p, "Version")) version = p.Value.ToString();
                    else if (Is(p, "Id")) id = p.Value.ToString();
                    else if (Is(p, "Statement"))
                    {
                        if (p.Value.ValueKind == JsonValueKind.Array)
                            statements.AddRange(p.Value.EnumerateArray().Select(PolicyStatement.FromJson));
                        else if (p.Value.ValueKind == JsonValueKind.Object)
                            statements.Add(PolicyStatement.FromJson(p.Value));
                    }
                }
                return new PolicyDocument(version, id, statements);
            }
        }

        /// <summary>A copy with the statements replaced (original JSON of kept statements preserved).</summary>
        public PolicyDocument WithStatements(IEnumerable<PolicyStatement> statements) =>
            new PolicyDocument(Version ?? DefaultVersion, Id, statements.ToList());

        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("Version", Version ?? DefaultVersion);
                if (Id != null) w.WriteString("Id", Id);
                w.WriteStartArray("Statement");
                foreach (var s in Statements)
                {
                    using var sdoc = JsonDocument.Parse(s.Json);
                    sdoc.RootElement.WriteTo(w);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        internal static bool Is(JsonProperty p, string name) => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>One statement: the parts that decide who gets what, plus its original JSON.</summary>
    public sealed class PolicyStatement
    {
        private PolicyStatement() { }

        public string Sid { get; private set; }
        public bool IsAllow { get; private set; }
        public bool IsDeny => !IsAllow;
        /// <summary>"*" for the anonymous principal, else the AWS/Service/Federated/CanonicalUser values.</summary>
        public IReadOnlyList<string> Principals { get; private set; } = Array.Empty<string>();
        public bool UsesNotPrincipal { get; private set; }
        public IReadOnlyList<string> Actions { get; private set; } = Array.Empty<string>();
        public bool UsesNotAction { get; private set; }
        public IReadOnlyList<string> Resources { get; private set; } = Array.Empty<string>();
        public bool UsesNotResource { get; private set; }
        public IReadOnlyList<PolicyCondition> Conditions { get; private set; } = Array.Empty<PolicyCondition>();
        /// <summary>The statement exactly as it was written (or generated).</summary>
        public string Json { get; private set; }

        /// <summary>Everyone: Principal "*" or {"AWS":"*"}; an Allow with NotPrincipal also reaches (almost) everyone.</summary>
        public bool IsPublicPrincipal => Principals.Contains("*") || (UsesNotPrincipal && IsAllow);

        public string Label => string.IsNullOrEmpty(Sid) ? "(statement without Sid)" : $"'{Sid}'";

        internal static PolicyStatement FromJson(JsonElement e)
        {
            var s = new PolicyStatement { Json = e.GetRawText() };
            if (e.ValueKind != JsonValueKind.Object) return s;
            foreach (var p in e.EnumerateObject())
            {
                if (PolicyDocument.Is(p, "Sid")) s.Sid = p.Value.ToString();
                else if (PolicyDocument.Is(p, "Effect")) s.IsAllow = string.Equals(p.Value.ToString(), "Allow", StringComparison.OrdinalIgnoreCase);
                else if (PolicyDocument.Is(p, "Principal")) s.Principals = ReadPrincipals(p.Value);
                else if (PolicyDocument.Is(p, "NotPrincipal")) { s.UsesNotPrincipal = true; s.Principals = ReadPrincipals(p.Value); }
                else if (PolicyDocument.Is(p, "Action")) s.Actions = ReadStrings(p.Value);
                else if (PolicyDocument.Is(p, "NotAction")) { s.UsesNotAction = true; s.Actions = ReadStrings(p.Value); }
                else if (PolicyDocument.Is(p, "Resource")) s.Resources = ReadStrings(p.Value);
                else if (PolicyDocument.Is(p, "NotResource")) { s.UsesNotResource = true; s.Resources = ReadStrings(p.Value); }
                else if (PolicyDocument.Is(p, "Condition")) s.Conditions = ReadConditions(p.Value);
            }
            // With NotPrincipal the listed principals are the exceptions, not the grantees.
            if (s.UsesNotPrincipal) s.Principals = s.Principals.Where(x => x != "*").ToList();
            return s;
        }

        /// <summary>Build a statement from JSON text (used for the statements MediaOps adds).</summary>
        public static PolicyStatement Create(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement);
        }

        private static IReadOnlyList<string> ReadPrincipals(JsonElement v)
        {
            if (v.ValueKind == JsonValueKind.String) return new[] { v.GetString() };
            if (v.ValueKind != JsonValueKind.Object) return Array.Empty<string>();
            var list = new List<string>();
            foreach (var p in v.EnumerateObject()) list.AddRange(ReadStrings(p.Value));
            return list;
        }

        private static IReadOnlyList<string> ReadStrings(JsonElement v)
        {
            switch (v.ValueKind)
            {
                case JsonValueKind.Array: return v.EnumerateArray().Select(x => x.ToString()).ToList();
                case JsonValueKind.Null:
                case JsonValueKind.Undefined: return Array.Empty<string>();
                case JsonValueKind.True: return new[] { "true" };
                case JsonValueKind.False: return new[] { "false" };
                default: return new[] { v.ToString() };
            }
        }

        private static IReadOnlyList<PolicyCondition> ReadConditions(JsonElement v)
        {
            var list = new List<PolicyCondition>();
            if (v.ValueKind != JsonValueKind.Object) return list;
            foreach (var op in v.EnumerateObject())
            {
                if (op.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var key in op.Value.EnumerateObject())
                    list.Add(new PolicyCondition(op.Name, key.Name, ReadStrings(key.Value)));
            }
            return list;
        }
    }

    public sealed class PolicyCondition
    {
        public PolicyCondition(string op, string key, IReadOnlyList<string> values)
        {
            Operator = op;
            Key = key;
            Values = values;
        }

        public string Operator { get; }
        public string Key { get; }
        public IReadOnlyList<string> Values { get; }
        public override string ToString() => $"{Operator} {Key}";
    }
}
