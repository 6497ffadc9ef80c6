using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MediaOps.Isolation
{
    /// <summary>
    /// Loads MediaOps.Engine and its AWSSDK assemblies privately, so another module's AWSSDK.Core
    /// (loaded before or after us, any version) never binds to our engine or we to theirs.
    /// Everything else (System.*, the framework) comes from the default context.
    /// </summary>
    public sealed class EngineLoadContext : AssemblyLoadContext
    {
        private const string EngineAssembly = "MediaOps.Engine";
        /// <summary>The public contract types live in the default context so scripts can name them.</summary>
        private const string ModelAssembly = "MediaOps.Model";
        private static EngineLoadContext _instance;
        private readonly string _directory;

        // ReadyToRun copies for the runtime PowerShell 7.6 runs on (build.ps1, MediaOps.ReadyToRun.csproj): their
        // precompiled code spares the first cmdlet most of its JIT. Elsewhere the runtime would ignore it, so the IL copies load.
        private readonly string _readyToRunDirectory;

        private EngineLoadContext(string directory) : base("MediaOps", isCollectible: false)
        {
            _directory = directory;
            var r2r = Path.Combine(directory, "net10.0-linux-x64");
            if (Environment.Version.Major == 10 && RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
                && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Directory.Exists(r2r))
                _readyToRunDirectory = r2r;
        }

        /// <summary>Called once by the cmdlet assembly's module initializer.</summary>
        public static void Register(string moduleDirectory, string dependencyDirectory)
        {
            if (_instance != null) return;
            _instance = new EngineLoadContext(dependencyDirectory);
            // The cmdlet assembly (default context) references the engine by name; the default context
            // cannot find it (it lives in Dependencies/), so it asks here and gets the isolated copy.
            Default.Resolving += (context, name) =>
            {
                if (string.Equals(name.Name, EngineAssembly, StringComparison.Ordinal)) return _instance.LoadFromAssemblyName(name);
                if (string.Equals(name.Name, ModelAssembly, StringComparison.Ordinal))
                {
                    var path = Path.Combine(moduleDirectory, ModelAssembly + ".dll");
                    return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
                }
                return null;
            };
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name ?? "";
            if (!name.StartsWith("AWSSDK.", StringComparison.Ordinal) && name != EngineAssembly) return null;
            if (_readyToRunDirectory != null)
            {
                var precompiled = Path.Combine(_readyToRunDirectory, name + ".dll");
                if (File.Exists(precompiled)) return LoadFromAssemblyPath(precompiled);
            }
            var path = Path.Combine(_directory, name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
