using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MediaOps.Aws;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Tab completion from a fixed list of names. Always returns a list, never null: an empty list stops
    /// PowerShell from falling back to file names, which are never a valid region, profile or version.
    /// </summary>
    public abstract class NameCompleter : IArgumentCompleter
    {
        protected abstract IEnumerable<string> Names();

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            IEnumerable<string> names;
            try { names = Names(); }
            catch (Exception) { names = Array.Empty<string>(); } // completion must never print an error mid-line
            return names
                .Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }

        private static string Quote(string name) =>
            name.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', ';', ',', '&', '|', '{', '}', '@', '#' }) < 0
                ? name
                : "'" + name.Replace("'", "''") + "'";
    }

    /// <summary>-Region: every region the AWS SDK knows.</summary>
    public sealed class RegionCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names() => AwsNames.Regions();
    }

    /// <summary>-ProfileName: the profiles in the shared config and credentials files.</summary>
    public sealed class ProfileNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names() => AwsNames.ProfileNames();
    }

    /// <summary>-DjangoVersion: Django feature releases django-storages supports, newest first (4.2 is where STORAGES begins).</summary>
    public sealed class DjangoVersionCompleter : NameCompleter
    {
        private static readonly string[] Releases = { "5.2", "5.1", "5.0", "4.2", "4.1", "4.0", "3.2" };

        protected override IEnumerable<string> Names() => Releases;
    }
}
