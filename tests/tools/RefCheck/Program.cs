using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

// Usage: RefCheck <module folder> <framework reference folder> [<host-provided assembly>...]
// For every netstandard assembly in the module folder (and its Dependencies/), resolves each member reference
// (method or field on a type of another assembly) the way .NET Framework 4.7.2 would bind it:
//   * framework assemblies (the reference folder, its Facades/, host-provided ones such as
//     System.Management.Automation) unify: any requested version binds to the one there;
//   * assemblies we ship bind when ours has the same name and at least the requested version (our
//     AssemblyResolve handler's rule; AWSSDK.* also needs the same major), e.g. System.Text.Json 6.0 -> 8.0;
//   * type forwarders (netstandard.dll's facade) are followed; members are looked up by name, and for
//     methods by parameter count and generic arity, along the base-type chain.
// Prints one line per unresolved reference and a summary; exit code 1 when anything is unresolved.
internal static class Program
{
    private sealed class Image
    {
        public string Path;
        public MetadataReader Reader;
        public AssemblyName Name;
        public bool Framework;
        public Dictionary<string, TypeDefinitionHandle> Types = new Dictionary<string, TypeDefinitionHandle>(StringComparer.Ordinal);
        public Dictionary<string, ExportedTypeHandle> Forwarded = new Dictionary<string, ExportedTypeHandle>(StringComparer.Ordinal);
    }

    private static readonly Dictionary<string, List<Image>> Universe = new Dictionary<string, List<Image>>(StringComparer.OrdinalIgnoreCase);

    private static int Main(string[] args)
    {
        var module = args[0];
        var shipped = Directory.GetFiles(module, "*.dll").Concat(Directory.Exists(Path.Combine(module, "Dependencies")) ? Directory.GetFiles(Path.Combine(module, "Dependencies"), "*.dll") : new string[0]).Select(p => Load(p, false)).Where(i => i != null).ToList();
        foreach (var dir in new[] { args[1], Path.Combine(args[1], "Facades") })
            foreach (var p in Directory.GetFiles(dir, "*.dll")) Load(p, true);
        foreach (var p in args.Skip(2)) Load(p, true);

        int checkedAssemblies = 0, memberRefs = 0, unresolved = 0;
        foreach (var image in shipped)
        {
            var tfm = TargetFramework(image);
            // Older netstandard packages carry no TargetFrameworkAttribute; they reference the netstandard facade.
            var netstandard = tfm != null ? tfm.StartsWith(".NETStandard", StringComparison.Ordinal)
                : image.Reader.AssemblyReferences.Any(a => image.Reader.GetString(image.Reader.GetAssemblyReference(a).Name) == "netstandard");
            if (!netstandard) { Console.WriteLine($"skip {image.Name.Name} ({tfm ?? "no target framework"})"); continue; }
            checkedAssemblies++;
            var r = image.Reader;
            foreach (var handle in r.MemberReferences)
            {
                var member = r.GetMemberReference(handle);
                var parent = ResolveParent(image, member.Parent, out var external);
                if (!external) continue;
                memberRefs++;
                var name = r.GetString(member.Name);
                if (parent.Image == null) { unresolved++; Console.WriteLine($"UNRESOLVED {image.Name.Name}: type of {name}: {parent.Why}"); continue; }
                if (!HasMember(parent.Image, parent.Type, name, r, member)) { unresolved++; Console.WriteLine($"UNRESOLVED {image.Name.Name}: {parent.Image.Name.Name}!{TypeName(parent.Image.Reader, parent.Type)}::{name}"); }
            }
        }
        Console.WriteLine($"checked {checkedAssemblies} assemblies, {memberRefs} member references, {unresolved} unresolved");
        return unresolved == 0 && checkedAssemblies > 0 ? 0 : 1;
    }

    private static Image Load(string path, bool framework)
    {
        var pe = new PEReader(File.OpenRead(path));
        if (!pe.HasMetadata) return null;
        var reader = pe.GetMetadataReader();
        if (!reader.IsAssembly) return null;
        var image = new Image { Path = path, Reader = reader, Name = reader.GetAssemblyDefinition().GetAssemblyName(), Framework = framework };
        foreach (var t in reader.TypeDefinitions)
        {
            var def = reader.GetTypeDefinition(t);
            if (def.GetDeclaringType().IsNil) image.Types[Full(reader.GetString(def.Namespace), reader.GetString(def.Name))] = t;
        }
        foreach (var e in reader.ExportedTypes)
        {
            var ex = reader.GetExportedType(e);
            image.Forwarded[Full(reader.GetString(ex.Namespace), reader.GetString(ex.Name))] = e;
        }
        if (!Universe.TryGetValue(image.Name.Name, out var list)) Universe[image.Name.Name] = list = new List<Image>();
        list.Add(image);
        return image;
    }

    private static string Full(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    private static string TargetFramework(Image image)
    {
        var r = image.Reader;
        foreach (var h in r.GetAssemblyDefinition().GetCustomAttributes())
        {
            var a = r.GetCustomAttribute(h);
            if (a.Constructor.Kind != HandleKind.MemberReference) continue;
            var ctor = r.GetMemberReference((MemberReferenceHandle)a.Constructor);
            if (ctor.Parent.Kind != HandleKind.TypeReference) continue;
            if (r.GetString(r.GetTypeReference((TypeReferenceHandle)ctor.Parent).Name) != "TargetFrameworkAttribute") continue;
            var blob = r.GetBlobReader(a.Value);
            blob.ReadUInt16();
            return blob.ReadSerializedString();
        }
        return null;
    }

    /// <summary>The binding rule: framework assemblies unify; ours need at least the requested version (AWSSDK: same major).</summary>
    private static Image Bind(AssemblyName requested)
    {
        if (!Universe.TryGetValue(requested.Name, out var candidates)) return null;
        foreach (var c in candidates.OrderByDescending(c => c.Framework))
        {
            if (c.Framework) return c;
            if (requested.Version == null || (c.Name.Version >= requested.Version && (!requested.Name.StartsWith("AWSSDK.", StringComparison.OrdinalIgnoreCase) || c.Name.Version.Major == requested.Version.Major))) return c;
        }
        return null;
    }

    private struct Resolved { public Image Image; public TypeDefinitionHandle Type; public string Why; }

    private static Resolved ResolveParent(Image from, EntityHandle parent, out bool external)
    {
        external = false;
        var r = from.Reader;
        switch (parent.Kind)
        {
            case HandleKind.TypeReference:
                external = IsExternal(r, (TypeReferenceHandle)parent);
                return external ? ResolveTypeRef(from, (TypeReferenceHandle)parent) : default;
            case HandleKind.TypeSpecification:
                var spec = r.GetTypeSpecification((TypeSpecificationHandle)parent);
                var blob = r.GetBlobReader(spec.Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return default; // arrays, generic params: runtime-provided
                blob.ReadSignatureTypeCode();
                var generic = blob.ReadTypeHandle();
                if (generic.Kind != HandleKind.TypeReference) return default;
                external = IsExternal(r, (TypeReferenceHandle)generic);
                return external ? ResolveTypeRef(from, (TypeReferenceHandle)generic) : default;
            default:
                return default;
        }
    }

    private static bool IsExternal(MetadataReader r, TypeReferenceHandle handle)
    {
        var scope = r.GetTypeReference(handle).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference) scope = r.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        return scope.Kind == HandleKind.AssemblyReference;
    }

    private static Resolved ResolveTypeRef(Image from, TypeReferenceHandle handle)
    {
        var r = from.Reader;
        var tr = r.GetTypeReference(handle);
        var name = Full(r.GetString(tr.Namespace), r.GetString(tr.Name));
        if (tr.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            var outer = ResolveTypeRef(from, (TypeReferenceHandle)tr.ResolutionScope);
            if (outer.Image == null) return outer;
            foreach (var n in outer.Image.Reader.GetTypeDefinition(outer.Type).GetNestedTypes())
                if (outer.Image.Reader.GetString(outer.Image.Reader.GetTypeDefinition(n).Name) == r.GetString(tr.Name)) return new Resolved { Image = outer.Image, Type = n };
            return new Resolved { Why = $"nested type {name} not in {outer.Image.Name.Name}" };
        }
        var asmRef = r.GetAssemblyReference((AssemblyReferenceHandle)tr.ResolutionScope).GetAssemblyName();
        return FindType(asmRef, name, 0);
    }

    private static Resolved FindType(AssemblyName assembly, string name, int depth)
    {
        var image = Bind(assembly);
        if (image == null) return new Resolved { Why = $"assembly {assembly.FullName} not found at a version that satisfies the request" };
        if (image.Types.TryGetValue(name, out var def)) return new Resolved { Image = image, Type = def };
        if (depth < 8 && image.Forwarded.TryGetValue(name, out var fwd))
        {
            var ex = image.Reader.GetExportedType(fwd);
            if (ex.Implementation.Kind == HandleKind.AssemblyReference)
                return FindType(image.Reader.GetAssemblyReference((AssemblyReferenceHandle)ex.Implementation).GetAssemblyName(), name, depth + 1);
        }
        return new Resolved { Why = $"type {name} not in {image.Name.Name} {image.Name.Version}" };
    }

    private static bool HasMember(Image image, TypeDefinitionHandle type, string name, MetadataReader refReader, MemberReference member)
    {
        var sig = refReader.GetBlobReader(member.Signature);
        var header = sig.ReadSignatureHeader();
        var isField = header.Kind == SignatureKind.Field;
        int genericArity = 0, parameters = 0;
        if (!isField)
        {
            if (header.IsGeneric) genericArity = sig.ReadCompressedInteger();
            parameters = sig.ReadCompressedInteger();
        }
        for (var depth = 0; depth < 32 && image != null; depth++)
        {
            var r = image.Reader;
            var def = r.GetTypeDefinition(type);
            if (isField)
            {
                foreach (var f in def.GetFields()) if (r.GetString(r.GetFieldDefinition(f).Name) == name) return true;
            }
            else
            {
                foreach (var m in def.GetMethods())
                {
                    var md = r.GetMethodDefinition(m);
                    if (r.GetString(md.Name) != name) continue;
                    var s = r.GetBlobReader(md.Signature);
                    var h = s.ReadSignatureHeader();
                    var arity = h.IsGeneric ? s.ReadCompressedInteger() : 0;
                    if (arity == genericArity && s.ReadCompressedInteger() == parameters) return true;
                }
            }
            // Up the base-type chain (members inherited from a base class are referenced through the derived type).
            var baseType = def.BaseType;
            if (baseType.IsNil) return false;
            Resolved next;
            if (baseType.Kind == HandleKind.TypeDefinition) next = new Resolved { Image = image, Type = (TypeDefinitionHandle)baseType };
            else if (baseType.Kind == HandleKind.TypeReference) next = ResolveTypeRef(image, (TypeReferenceHandle)baseType);
            else next = ResolveParent(image, baseType, out _);
            image = next.Image;
            type = next.Type;
        }
        return false;
    }

    private static string TypeName(MetadataReader r, TypeDefinitionHandle t)
    {
        var d = r.GetTypeDefinition(t);
        return Full(r.GetString(d.Namespace), r.GetString(d.Name));
    }
}
