using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace MediaOps.Infrastructure
{
    /// <summary>
    /// Keeps MediaOps' AWSSDK apart from any other AWSSDK in the session (AWS.Tools pins one per major).
    /// PowerShell 7: the engine and AWSSDK load in their own AssemblyLoadContext (MediaOps.Isolation.dll).
    /// Windows PowerShell 5.1 has no load contexts: dependencies resolve from the Dependencies folder,
    /// and a session that already loaded another AWSSDK.Core version must be restarted (documented limit).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location);
        internal static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, "Dependencies");
        private static bool _registered;

        public void OnImport()
        {
            EnsureRegistered();
            PlainTextWhenRedirected();
        }

        /// <summary>
        /// PowerShell 7.2+ with $PSStyle.OutputRendering at its default 'Host' still colours table headers,
        /// list labels, warnings and errors when the process's output is redirected, so log files fill with
        /// ANSI escape codes. Redirected output, still at the default: plain text. A user's explicit 'Ansi' is
        /// kept; NO_COLOR already means 'PlainText' to PowerShell. Windows PowerShell 5.1 has no $PSStyle.
        /// </summary>
        internal static void PlainTextWhenRedirected()
        {
            try
            {
                if (!Console.IsOutputRedirected) return;
                var style = typeof(PSObject).Assembly.GetType("System.Management.Automation.PSStyle");
                var instance = style?.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
                var rendering = style?.GetProperty("OutputRendering", BindingFlags.Public | BindingFlags.Instance);
                if (instance == null || rendering == null || !rendering.CanWrite) return;
                if (!string.Equals(rendering.GetValue(instance)?.ToString(), "Host", StringComparison.Ordinal)) return;
                rendering.SetValue(instance, Enum.Parse(rendering.PropertyType, "PlainText"));
            }
            catch (Exception)
            {
                // Colour is cosmetic: never fail an import over it.
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            // The load context stays: assemblies cannot be unloaded from a non-collectible context,
            // and a re-import must find the same engine types.
        }

        internal static void EnsureRegistered()
        {
            if (_registered) return;
            var isFramework = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
            var unsupported = UnsupportedHostMessage(isFramework, Environment.Version, RuntimeInformation.FrameworkDescription);
            if (unsupported != null) throw new PlatformNotSupportedException(unsupported);
            _registered = true;
            if (isFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencies;
                return;
            }
            var bridge = Assembly.LoadFrom(Path.Combine(ModuleDirectory, "MediaOps.Isolation.dll"));
            bridge.GetType("MediaOps.Isolation.EngineLoadContext", throwOnError: true)
                  .GetMethod("Register", BindingFlags.Public | BindingFlags.Static)
                  .Invoke(null, new object[] { ModuleDirectory, DependencyDirectory });
        }

        /// <summary>
        /// Null on a supported host: Windows PowerShell 5.1 (.NET Framework 4.7.2+) or PowerShell 7.2+ (.NET 6+).
        /// PowerShell 7.0/7.1 (.NET Core 3.1/.NET 5) pass the manifest's PowerShellVersion = '5.1' but cannot load
        /// the isolation layer (net6.0); they get this one message instead of a FileLoadException later.
        /// </summary>
        internal static string UnsupportedHostMessage(bool isFramework, Version runtime, string runtimeDescription)
        {
            if (isFramework || runtime.Major >= 6) return null;
            return $"MediaOps needs PowerShell 7.2 or later, or Windows PowerShell 5.1; this session runs on {runtimeDescription} " +
                   "(PowerShell 7.0 or 7.1, both out of support). Install PowerShell 7.4 LTS; in Azure Automation choose the 7.4, 7.2 or 5.1 runtime.";
        }

        // Windows PowerShell 5.1 only. The event fires for every module's failed binds, so answer only
        // requests our copy really satisfies: another module asking for AWSSDK.Core 3.3.0.0 (AWS.Tools 4)
        // must not be handed our 4.0.0.0 and break it.
        private static Assembly ResolveFromDependencies(object sender, ResolveEventArgs args)
        {
            var requested = new AssemblyName(args.Name);
            foreach (var directory in new[] { ModuleDirectory, DependencyDirectory })
            {
                var path = Path.Combine(directory, requested.Name + ".dll");
                if (File.Exists(path) && Satisfies(requested, AssemblyName.GetAssemblyName(path))) return Assembly.LoadFrom(path);
            }
            return null;
        }

        /// <summary>
        /// Our file can stand in for the requested assembly: same name and at least the requested version
        /// (the binding redirect an app.config would declare, e.g. System.Text.Json 6.0 → 8.0). AWSSDK
        /// assembly versions are fixed per SDK major (3.3.0.0, 4.0.0.0), so there the major must match too.
        /// </summary>
        internal static bool Satisfies(AssemblyName requested, AssemblyName candidate)
        {
            if (!string.Equals(requested.Name, candidate.Name, StringComparison.OrdinalIgnoreCase)) return false;
            if (requested.Version == null) return true;
            if (candidate.Version == null || candidate.Version < requested.Version) return false;
            return !requested.Name.StartsWith("AWSSDK.", StringComparison.OrdinalIgnoreCase) || candidate.Version.Major == requested.Version.Major;
        }
    }
}
