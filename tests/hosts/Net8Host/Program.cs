using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;

// Usage: Net8Host <out/MediaOps> <endpoint> <bucket>
// Loads MediaOps.Isolation.dll and registers its load context the way ModuleInitializer does, then
// drives the engine and AWSSDK from that context by reflection: upload an object, list it back.
// Prints key=value lines for the test to check; exits 1 on any failure.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        try
        {
            var moduleDir = Path.GetFullPath(args[0]);
            var endpoint = args[1];
            var bucket = args[2];
            Console.WriteLine("runtime=" + Environment.Version);

            var isolation = Assembly.LoadFrom(Path.Combine(moduleDir, "MediaOps.Isolation.dll"));
            isolation.GetType("MediaOps.Isolation.EngineLoadContext", throwOnError: true)
                .GetMethod("Register", BindingFlags.Public | BindingFlags.Static)
                .Invoke(null, new object[] { moduleDir, Path.Combine(moduleDir, "Dependencies") });

            // The cmdlet assembly asks the default context for the engine by name; so do we.
            var engine = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("MediaOps.Engine"));
            var context = AssemblyLoadContext.GetLoadContext(engine);
            Console.WriteLine("engine.context=" + context.Name);

            var optionsType = engine.GetType("MediaOps.Targets.MediaTargetOptions", true);
            var options = Activator.CreateInstance(optionsType);
            void Set(object o, string name, object value) => o.GetType().GetProperty(name).SetValue(o, value);
            Set(options, "BucketName", bucket);
            Set(options, "Prefix", "media");
            Set(options, "EndpointUrl", endpoint);
            Set(options, "Region", "us-east-1");
            Set(options, "AccessKeyId", "AKIAMEDIAOPSNET8HOST");
            Set(options, "SecretAccessKey", "net8-host-secret");
            var target = engine.GetType("MediaOps.Targets.MediaTarget", true)
                .GetMethod("Resolve").Invoke(null, new object[] { options, null, true });

            var factory = Activator.CreateInstance(engine.GetType("MediaOps.Aws.AwsClientFactory", true));
            var s3 = factory.GetType().GetMethod("CreateS3").Invoke(factory, new object[] { target, null });
            var s3Assembly = s3.GetType().Assembly;
            Console.WriteLine("awssdk.context=" + AssemblyLoadContext.GetLoadContext(s3Assembly).Name);
            Console.WriteLine("awssdk.core=" + context.Assemblies.First(a => a.GetName().Name == "AWSSDK.Core").GetName().Version);
            Console.WriteLine("default.awssdk=" + AssemblyLoadContext.Default.Assemblies.Count(a => a.GetName().Name.StartsWith("AWSSDK.", StringComparison.Ordinal)));

            object Request(string type, params (string Name, object Value)[] values)
            {
                var r = Activator.CreateInstance(s3Assembly.GetType("Amazon.S3.Model." + type, true));
                foreach (var (name, value) in values) Set(r, name, value);
                return r;
            }
            async Task<object> Call(string method, object request)
            {
                var m = s3.GetType().GetMethods().Single(x => x.Name == method && x.GetParameters().Length == 2 && x.GetParameters()[0].ParameterType == request.GetType());
                var task = (Task)m.Invoke(s3, new[] { request, (object)CancellationToken.None });
                await task.ConfigureAwait(false);
                return task.GetType().GetProperty("Result").GetValue(task);
            }

            var key = "media/net8-host/" + Guid.NewGuid().ToString("N") + ".txt";
            var put = await Call("PutObjectAsync", Request("PutObjectRequest", ("BucketName", bucket), ("Key", key), ("ContentBody", "uploaded by a .NET 8 host")));
            Console.WriteLine("put.status=" + (int)(System.Net.HttpStatusCode)put.GetType().GetProperty("HttpStatusCode").GetValue(put));
            var listed = await Call("ListObjectsV2Async", Request("ListObjectsV2Request", ("BucketName", bucket), ("Prefix", "media/net8-host/")));
            var objects = (System.Collections.IEnumerable)listed.GetType().GetProperty("S3Objects").GetValue(listed);
            foreach (var o in objects)
                Console.WriteLine("listed=" + o.GetType().GetProperty("Key").GetValue(o) + " " + o.GetType().GetProperty("Size").GetValue(o));
            Console.WriteLine("uploaded=" + key);
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine("error=" + ex);
            return 1;
        }
    }
}
