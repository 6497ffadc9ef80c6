using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Amazon;

namespace MediaOps.Aws
{
    /// <summary>
    /// Names a user may type for -Region and -ProfileName, for tab completion: the SDK's region list and the
    /// profiles in the shared config and credentials files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE honoured,
    /// as the aws CLI and boto3 do). Never throws: a missing or unreadable file just offers nothing.
    /// </summary>
    public static class AwsNames
    {
        public static IReadOnlyList<string> Regions()
        {
            return RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName)
                .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }

        public static IReadOnlyList<string> ProfileNames()
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            // The credentials file names a profile [name]; the config file [default] or [profile name]
            // ([sso-session x] and [services x] are not profiles). Paths as the aws CLI and boto3 find them.
            AddSections(SharedFile("AWS_SHARED_CREDENTIALS_FILE", "credentials"), names, configFile: false);
            AddSections(SharedFile("AWS_CONFIG_FILE", "config"), names, configFile: true);
            return names.ToList();
        }

        private static string SharedFile(string variable, string name)
        {
            var path = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(path)) return path;
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".aws", name);
        }

        private static void AddSections(string path, ISet<string> names, bool configFile)
        {
            string[] lines;
            try
            {
                if (path == null || !File.Exists(path)) return;
                lines = File.ReadAllLines(path);
            }
            catch (Exception) { return; } // unreadable: completion offers what the other file has
            foreach (var raw in lines)
            {
                var line = raw.Trim();
                if (line.Length < 3 || line[0] != '[' || line[line.Length - 1] != ']') continue;
                var section = line.Substring(1, line.Length - 2).Trim();
                if (configFile)
                {
                    if (section == "default") names.Add(section);
                    else if (section.StartsWith("profile ", StringComparison.Ordinal)) names.Add(section.Substring(8).Trim());
                }
                else if (section.Length > 0) names.Add(section);
            }
        }
    }
}
