using System;
using System.Collections.Generic;
using System.IO;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace ThreadWise.Build;

/// <summary>
/// Swaps every call to a <c>System.Threading.Monitor</c> method that <c>ThreadWise.TrackedMonitor</c> mirrors (same
/// name, parameter and return types) for the TrackedMonitor method: a plain <c>lock</c> compiles to
/// <c>Monitor.Enter(object, ref bool)</c> … <c>Monitor.Exit(object)</c>, so its acquisitions become visible to
/// <c>LockOrderValidator</c>. Nothing else in the IL changes (same stack shape, same exception regions), so the
/// sequence points in the portable PDB stay valid and are written back with the assembly.
/// </summary>
internal static class MonitorCallRewriter
{
    private const string MonitorTypeName = "System.Threading.Monitor";
    private const string TrackedNamespace = "ThreadWise";
    private const string TrackedTypeName = "TrackedMonitor";
    private const string ThreadWiseAssemblyName = "ThreadWise";

    // Signed with one of the keys the .NET runtime, the BCL and Microsoft's framework packages use (or the
    // core library by name): never instrumented, whatever the caller passes.
    private static readonly string[] FrameworkPublicKeyTokens =
    {
        "b77a5c561934e089", "b03f5f7f11d50a3a", "31bf3856ad364e35", "cc7b13ffcd2ddd51", "7cec85d7bea7798e", "adb9793829ddae60",
    };

    /// <summary>Rewrites <paramref name="inputPath"/> (and its .pdb or embedded PDB) to <paramref name="outputPath"/>
    /// (the same path rewrites in place). Writes nothing unless the outcome is <see cref="RewriteOutcome.Rewritten"/>.</summary>
    /// <param name="inputPath">The assembly to rewrite.</param>
    /// <param name="outputPath">Where the rewritten assembly goes; its PDB goes beside it with the extension .pdb.</param>
    /// <param name="threadWisePath">The ThreadWise.dll the assembly's project references: its identity becomes the added
    /// assembly reference, and its TrackedMonitor says which Monitor methods are mirrored.</param>
    /// <param name="strongNameKeyFile">An .snk key pair to re-sign a strong-named assembly with; without it a
    /// strong-named assembly is skipped.</param>
    /// <param name="referenceDirectories">Where the assemblies it references are (the project's reference folders):
    /// writing needs some of them, e.g. for the underlying type of an enum declared elsewhere.</param>
    public static RewriteResult Rewrite(string inputPath, string outputPath, string threadWisePath, string? strongNameKeyFile = null, IEnumerable<string>? referenceDirectories = null)
    {
        var directories = new List<string> { Path.GetDirectoryName(Path.GetFullPath(inputPath))! };
        directories.AddRange(referenceDirectories ?? Array.Empty<string>());
        using var resolver = new AssemblyFiles.ReferenceResolver(directories);
        var mirrored = ReadMirroredMethods(threadWisePath, out var threadWiseName);
        var pdbPath = Path.ChangeExtension(inputPath, ".pdb");
        var hasPdbFile = File.Exists(pdbPath);
        var windowsPdb = hasPdbFile && !AssemblyFiles.IsPortablePdb(pdbPath);

        // Deferred: attributes stay unparsed blobs (parsing an enum argument would need its assembly), written back as they are.
        var readerParameters = new ReaderParameters(ReadingMode.Deferred)
        {
            AssemblyResolver = resolver,
            ReadSymbols = !windowsPdb,
            ThrowIfSymbolsAreNotMatching = true,
        };
        using var assemblyBytes = new MemoryStream(File.ReadAllBytes(inputPath), writable: false);
        using var pdbBytes = hasPdbFile && !windowsPdb ? new MemoryStream(File.ReadAllBytes(pdbPath), writable: false) : null;
        if (pdbBytes is not null)
        {
            readerParameters.SymbolStream = pdbBytes;
            readerParameters.SymbolReaderProvider = new PortablePdbReaderProvider();
        }
        else
        {
            // Embedded portable PDB, or none at all.
            readerParameters.SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false);
        }

        AssemblyDefinition assembly;
        try
        {
            assembly = AssemblyDefinition.ReadAssembly(assemblyBytes, readerParameters);
        }
        catch (Exception ex) when (ex is BadImageFormatException or SymbolsNotMatchingException or InvalidOperationException)
        {
            return Skip(inputPath, $"it could not be read with its symbols ({ex.Message})");
        }

        using (assembly)
        {
            var module = assembly.MainModule;
            if (string.Equals(assembly.Name.Name, ThreadWiseAssemblyName, StringComparison.OrdinalIgnoreCase))
            {
                return NotApplicable(inputPath, "it is the ThreadWise library itself");
            }

            if (IsFrameworkAssembly(assembly.Name))
            {
                return NotApplicable(inputPath, "it is a framework assembly");
            }

            if (IsReferenceAssembly(assembly))
            {
                return NotApplicable(inputPath, "it is a reference assembly (no method bodies)");
            }

            var calls = FindCalls(module, mirrored);
            if (calls.Count == 0)
            {
                return new RewriteResult(RewriteOutcome.Unchanged, 0, $"{inputPath}: no Monitor call to track");
            }

            if (windowsPdb)
            {
                return Skip(inputPath, $"its symbols '{pdbPath}' are a Windows PDB, which rewriting would lose (set <DebugType>portable</DebugType>)");
            }

            byte[]? keyBlob = null;
            if (assembly.Name.HasPublicKey)
            {
                if (string.IsNullOrEmpty(strongNameKeyFile) || !File.Exists(strongNameKeyFile))
                {
                    return Skip(inputPath, "it is strong-named and no key pair (.snk) was given to re-sign it; its locks stay untracked");
                }

                keyBlob = File.ReadAllBytes(strongNameKeyFile!);
            }

            var threadWiseReference = ThreadWiseReference(module, threadWiseName);
            var targets = new Dictionary<string, MethodReference>(StringComparer.Ordinal);
            foreach (var (instruction, original, key) in calls)
            {
                if (!targets.TryGetValue(key, out var target))
                {
                    target = TrackedReference(module, threadWiseReference, original);
                    targets.Add(key, target);
                }

                instruction.Operand = target;
            }

            try
            {
                AssemblyFiles.Write(assembly, outputPath, hasPdbFile, module.HasSymbols, keyBlob);
            }
            catch (AssemblyResolutionException ex)
            {
                return Skip(inputPath, $"writing it needs '{ex.AssemblyReference.FullName}', which is not among the project's references");
            }

            return new RewriteResult(RewriteOutcome.Rewritten, calls.Count, $"{inputPath}: {calls.Count} Monitor call(s) now go through ThreadWise.TrackedMonitor");
        }
    }

    private static RewriteResult Skip(string inputPath, string why) =>
        new(RewriteOutcome.Skipped, 0, $"{inputPath} is not rewritten: {why}.");

    private static RewriteResult NotApplicable(string inputPath, string why) =>
        new(RewriteOutcome.NotApplicable, 0, $"{inputPath} is not rewritten: {why}.");

    private static bool IsFrameworkAssembly(AssemblyNameDefinition name)
    {
        if (name.Name is "mscorlib" or "netstandard" or "System.Private.CoreLib")
        {
            return true;
        }

        var token = name.PublicKeyToken;
        if (token is null || token.Length == 0)
        {
            return false;
        }

        var hex = BitConverter.ToString(token).Replace("-", string.Empty).ToLowerInvariant();
        return Array.IndexOf(FrameworkPublicKeyTokens, hex) >= 0;
    }

    private static List<(Instruction Instruction, MethodReference Original, string Key)> FindCalls(ModuleDefinition module, HashSet<string> mirrored)
    {
        var calls = new List<(Instruction, MethodReference, string)>();
        foreach (var type in module.GetTypes())
        {
            foreach (var method in type.Methods)
            {
                if (!method.HasBody)
                {
                    continue;
                }

                foreach (var instruction in method.Body.Instructions)
                {
                    // call for direct calls (a lock statement, Monitor.Enter(x)); ldftn for a method group turned into a delegate.
                    if ((instruction.OpCode.Code == Code.Call || instruction.OpCode.Code == Code.Ldftn)
                        && instruction.Operand is MethodReference callee
                        && IsFrameworkMonitor(callee.DeclaringType)
                        && mirrored.Contains(SignatureKey(callee)))
                    {
                        calls.Add((instruction, callee, SignatureKey(callee)));
                    }
                }
            }
        }

        return calls;
    }

    // The BCL's Monitor, whichever assembly the compiler referenced it through (System.Threading, System.Runtime,
    // mscorlib, netstandard, System.Private.CoreLib); never a type of that name defined in the module itself.
    private static bool IsFrameworkMonitor(TypeReference type) =>
        type is not TypeDefinition
        && type.DeclaringType is null
        && type.FullName == MonitorTypeName
        && type.Scope is AssemblyNameReference;

    private static string SignatureKey(MethodReference method)
    {
        var key = method.ReturnType.FullName + " " + method.Name + "(";
        for (var i = 0; i < method.Parameters.Count; i++)
        {
            key += (i == 0 ? string.Empty : ",") + method.Parameters[i].ParameterType.FullName;
        }

        return key + ")";
    }

    private static HashSet<string> ReadMirroredMethods(string threadWisePath, out AssemblyNameReference threadWiseName)
    {
        using var threadWise = AssemblyDefinition.ReadAssembly(threadWisePath, new ReaderParameters(ReadingMode.Deferred) { InMemory = true });
        var tracked = threadWise.MainModule.GetType(TrackedNamespace, TrackedTypeName)
            ?? throw new InvalidOperationException($"{threadWisePath} has no {TrackedNamespace}.{TrackedTypeName}: not a ThreadWise library.");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in tracked.Methods)
        {
            if (method.IsPublic && method.IsStatic && !method.HasGenericParameters)
            {
                keys.Add(SignatureKey(method));
            }
        }

        var name = threadWise.Name;
        threadWiseName = new AssemblyNameReference(name.Name, name.Version)
        {
            PublicKeyToken = name.PublicKeyToken,
            Culture = name.Culture,
        };
        return keys;
    }

    private static AssemblyNameReference ThreadWiseReference(ModuleDefinition module, AssemblyNameReference threadWiseName)
    {
        foreach (var reference in module.AssemblyReferences)
        {
            if (string.Equals(reference.Name, threadWiseName.Name, StringComparison.OrdinalIgnoreCase))
            {
                return reference;
            }
        }

        module.AssemblyReferences.Add(threadWiseName);
        return threadWiseName;
    }

    // Same name, same (already imported) parameter and return types, declared by ThreadWise.TrackedMonitor.
    private static MethodReference TrackedReference(ModuleDefinition module, AssemblyNameReference threadWise, MethodReference original)
    {
        var declaringType = new TypeReference(TrackedNamespace, TrackedTypeName, module, threadWise, valueType: false);
        var target = new MethodReference(original.Name, original.ReturnType, declaringType) { HasThis = false };
        foreach (var parameter in original.Parameters)
        {
            target.Parameters.Add(new ParameterDefinition(parameter.ParameterType));
        }

        return target;
    }

    private static bool IsReferenceAssembly(AssemblyDefinition assembly)
    {
        foreach (var attribute in assembly.CustomAttributes)
        {
            if (attribute.AttributeType.FullName == "System.Runtime.CompilerServices.ReferenceAssemblyAttribute")
            {
                return true;
            }
        }

        return false;
    }
}
