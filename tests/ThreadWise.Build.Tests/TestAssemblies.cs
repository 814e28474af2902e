using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace ThreadWise.Build.Tests;

/// <summary>Compiles small assemblies on disk (as a build leaves them in obj/) and loads them in a collectible context.</summary>
internal static class TestAssemblies
{
    /// <summary>The ThreadWise.dll the tests reference: what a consumer project compiles against.</summary>
    public static string ThreadWisePath => typeof(TrackedMonitor).Assembly.Location;

    /// <summary>Emits <paramref name="source"/> as <c>dir/name.dll</c> with a portable PDB beside it (or embedded),
    /// compiled against the .NET 10 reference assemblies, from a file named <c>Sample.cs</c>.</summary>
    public static string Compile(string dir, string name, string source, bool embeddedPdb = false, bool referenceThreadWise = false, byte[]? publicKey = null, string? reference = null, bool noPdb = false)
    {
        Directory.CreateDirectory(dir);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Sample.cs", encoding: System.Text.Encoding.UTF8);
        var references = Basic.Reference.Assemblies.Net100.References.All.ToList<MetadataReference>();
        if (reference is not null)
        {
            references.Add(MetadataReference.CreateFromFile(reference));
        }

        if (referenceThreadWise)
        {
            references.Add(MetadataReference.CreateFromFile(ThreadWisePath));
        }

        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Debug, deterministic: true);
        if (publicKey is not null)
        {
            options = options.WithCryptoPublicKey(System.Collections.Immutable.ImmutableArray.Create(publicKey)).WithPublicSign(true);
        }

        var compilation = CSharpCompilation.Create(name, new[] { tree }, references, options);
        var path = Path.Combine(dir, name + ".dll");
        var pdbPath = Path.ChangeExtension(path, ".pdb");
        using (var pe = File.Create(path))
        using (var pdb = embeddedPdb || noPdb ? null : File.Create(pdbPath))
        {
            var emit = new EmitOptions(debugInformationFormat: embeddedPdb ? DebugInformationFormat.Embedded : DebugInformationFormat.PortablePdb, pdbFilePath: pdbPath);
            var result = noPdb ? compilation.Emit(pe) : compilation.Emit(pe, pdb, options: emit);
            if (!result.Success)
            {
                throw new InvalidOperationException(string.Join(Environment.NewLine, result.Diagnostics));
            }
        }

        return path;
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string NewFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "threadwise-build-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Copies an assembly and its .pdb (if any) into <paramref name="dir"/>.</summary>
    public static string CopyTo(string path, string dir)
    {
        Directory.CreateDirectory(dir);
        var copy = Path.Combine(dir, Path.GetFileName(path));
        File.Copy(path, copy, overwrite: true);
        var pdb = Path.ChangeExtension(path, ".pdb");
        if (File.Exists(pdb))
        {
            File.Copy(pdb, Path.ChangeExtension(copy, ".pdb"), overwrite: true);
        }

        return copy;
    }

    /// <summary>Loads the assembly at <paramref name="path"/> in a collectible context (ThreadWise comes from the
    /// default context, so the rewritten code reports to the validator the test enables) and calls a static method.</summary>
    public static object? Invoke(string path, string typeName, string methodName, params object?[] arguments)
    {
        var context = new CollectibleContext();
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            var method = assembly.GetType(typeName, throwOnError: true)!.GetMethod(methodName, BindingFlags.Public | BindingFlags.Static)!;
            try
            {
                return method.Invoke(null, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class CollectibleContext : AssemblyLoadContext
    {
        public CollectibleContext()
            : base("threadwise-rewritten", isCollectible: true)
        {
        }

        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
