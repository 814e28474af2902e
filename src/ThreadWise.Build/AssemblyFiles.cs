using System;
using System.Collections.Generic;
using System.IO;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace ThreadWise.Build;

/// <summary>Reading and writing the files of a rewritten assembly: its portable PDB (beside it or embedded), written
/// so that a failure never leaves half a file.</summary>
internal static class AssemblyFiles
{
    public static bool IsPortablePdb(string pdbPath)
    {
        using var stream = File.OpenRead(pdbPath);
        var magic = new byte[4];
        return stream.Read(magic, 0, 4) == 4 && magic[0] == (byte)'B' && magic[1] == (byte)'S' && magic[2] == (byte)'J' && magic[3] == (byte)'B';
    }

    // Written to a temporary folder beside the output first, under the output's own file name (Cecil names the PDB in
    // the debug directory after it), then moved over the output: a failure never leaves half a file behind.
    public static void Write(AssemblyDefinition assembly, string outputPath, bool pdbFile, bool hasSymbols, byte[]? keyBlob)
    {
        var parameters = new WriterParameters
        {
            // The MVID becomes a hash of the content: the same input always gives the same bytes.
            DeterministicMvid = true,
            WriteSymbols = hasSymbols,
            StrongNameKeyBlob = keyBlob,
        };
        var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var temporary = Path.Combine(outputDirectory, ".threadwise-" + Guid.NewGuid().ToString("N"));
        var temporaryAssembly = Path.Combine(temporary, Path.GetFileName(outputPath));
        var temporaryPdb = Path.ChangeExtension(temporaryAssembly, ".pdb");
        Directory.CreateDirectory(temporary);
        try
        {
            using (var assemblyOut = File.Create(temporaryAssembly))
            using (var pdbOut = pdbFile && hasSymbols ? File.Create(temporaryPdb) : null)
            {
                if (pdbOut is not null)
                {
                    parameters.SymbolWriterProvider = new PortablePdbWriterProvider();
                    parameters.SymbolStream = pdbOut;
                }
                else if (hasSymbols)
                {
                    parameters.SymbolWriterProvider = new EmbeddedPortablePdbWriterProvider();
                }

                assembly.Write(assemblyOut, parameters);
            }

            MoveOver(temporaryAssembly, outputPath);
            if (pdbFile && hasSymbols)
            {
                MoveOver(temporaryPdb, Path.ChangeExtension(outputPath, ".pdb"));
            }
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }

    private static void MoveOver(string source, string destination)
    {
        if (File.Exists(destination))
        {
            File.Delete(destination);
        }

        File.Move(source, destination);
    }

    // Swapping call operands needs no other assembly, but writing can: a constant field of an enum type declared
    // elsewhere is written with the enum's underlying type. Looked up in the folders of the project's references (and
    // the assembly's own), then where Cecil looks by default (on .NET, the running runtime's assemblies). Read into
    // memory, so no referenced file stays open in a long-lived MSBuild node.
    public sealed class ReferenceResolver : DefaultAssemblyResolver
    {
        public ReferenceResolver(IEnumerable<string> searchDirectories)
        {
            RemoveSearchDirectory(".");
            RemoveSearchDirectory("bin");
            foreach (var directory in searchDirectories)
            {
                if (Directory.Exists(directory))
                {
                    AddSearchDirectory(directory);
                }
            }
        }

        public override AssemblyDefinition Resolve(AssemblyNameReference name) =>
            Resolve(name, new ReaderParameters(ReadingMode.Deferred) { AssemblyResolver = this, InMemory = true });
    }
}
