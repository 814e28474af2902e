using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ThreadWise.Build;

/// <summary>
/// MSBuild task behind <c>-p:ThreadWiseTrackMonitor=true</c>: makes <c>lock</c> statements and <c>Monitor</c> calls
/// of the given assemblies go through <c>ThreadWise.TrackedMonitor</c> (see <see cref="MonitorCallRewriter"/>).
/// Without <see cref="OutputDirectory"/> it rewrites each assembly in place (the project's own intermediate
/// assembly, right after CoreCompile); with it, it writes rewritten copies there and returns them in
/// <see cref="Replacements"/> (assemblies of referenced projects, before they are copied to the output directory),
/// reusing a copy that is newer than its input, ThreadWise.dll and this task.
/// </summary>
public sealed class RewriteMonitorCalls : Task
{
    /// <summary>The ThreadWise.dll the project compiles against.</summary>
    [Required]
    public ITaskItem ThreadWiseAssembly { get; set; } = null!;

    /// <summary>The assemblies to rewrite (.dll items; other items, e.g. their .pdb files, are matched by name).</summary>
    [Required]
    public ITaskItem[] Assemblies { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Where rewritten copies go; empty to rewrite in place.</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>The project's references (<c>@(ReferencePath)</c>): their folders are searched when writing an assembly
    /// needs a type declared elsewhere.</summary>
    public ITaskItem[] References { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The key pair (.snk) to re-sign the project's own strong-named assembly with (in place only).</summary>
    public string? StrongNameKeyFile { get; set; }

    /// <summary>The items of <see cref="Assemblies"/> (and their .pdb items) replaced by rewritten copies.</summary>
    [Output]
    public ITaskItem[] Replaced { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>The rewritten copies, with the metadata of the items they replace.</summary>
    [Output]
    public ITaskItem[] Replacements { get; private set; } = Array.Empty<ITaskItem>();

    /// <summary>Every file this task wrote or may reuse (for incremental clean).</summary>
    [Output]
    public ITaskItem[] FilesWritten { get; private set; } = Array.Empty<ITaskItem>();

    /// <inheritdoc/>
    public override bool Execute()
    {
        var threadWisePath = ThreadWiseAssembly.GetMetadata("FullPath");
        var copies = !string.IsNullOrEmpty(OutputDirectory);
        var referenceDirectories = new List<string>();
        foreach (var reference in References)
        {
            var directory = reference.GetMetadata("RootDir") + reference.GetMetadata("Directory");
            if (!referenceDirectories.Contains(directory, StringComparer.OrdinalIgnoreCase))
            {
                referenceDirectories.Add(directory);
            }
        }

        var replaced = new List<ITaskItem>();
        var replacements = new List<ITaskItem>();
        var written = new List<ITaskItem>();
        var pdbItems = new Dictionary<string, ITaskItem>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in Assemblies)
        {
            if (string.Equals(item.GetMetadata("Extension"), ".pdb", StringComparison.OrdinalIgnoreCase))
            {
                pdbItems[item.GetMetadata("FullPath")] = item;
            }
        }

        foreach (var item in Assemblies)
        {
            if (!string.Equals(item.GetMetadata("Extension"), ".dll", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var input = item.GetMetadata("FullPath");
            var output = copies
                ? Path.Combine(OutputDirectory!, item.GetMetadata("DestinationSubDirectory"), Path.GetFileName(input))
                : input;
            try
            {
                if (copies && IsUpToDate(output, input, threadWisePath))
                {
                    Log.LogMessage(MessageImportance.Low, "ThreadWise: {0} is up to date.", output);
                }
                else
                {
                    if (copies)
                    {
                        DeleteCopy(output);
                    }

                    var result = MonitorCallRewriter.Rewrite(input, output, threadWisePath, copies ? null : StrongNameKeyFile, referenceDirectories);
                    switch (result.Outcome)
                    {
                        case RewriteOutcome.Rewritten:
                            Log.LogMessage(MessageImportance.High, "ThreadWise: {0}", result.Message);
                            break;
                        case RewriteOutcome.Skipped:
                            Log.LogWarning(null, "TW9002", null, null, input, 0, 0, 0, 0, "ThreadWiseTrackMonitor: {0}{1}", result.Message, copies
                                ? " A referenced project that references the ThreadWise package itself is rewritten (and re-signed) in its own build."
                                : string.Empty);
                            break;
                        default:
                            Log.LogMessage(MessageImportance.Low, "ThreadWise: {0}", result.Message);
                            break;
                    }

                    if (result.Outcome != RewriteOutcome.Rewritten)
                    {
                        continue;
                    }
                }

                if (!copies)
                {
                    continue;
                }

                Replace(item, output, replaced, replacements, written);
                var pdbOutput = Path.ChangeExtension(output, ".pdb");
                if (pdbItems.TryGetValue(Path.ChangeExtension(input, ".pdb"), out var pdbItem) && File.Exists(pdbOutput))
                {
                    Replace(pdbItem, pdbOutput, replaced, replacements, written);
                }
            }
            catch (Exception ex)
            {
                // Whatever Cecil or the file system throws, the build says which assembly and why, not a task crash.
                Log.LogError(null, "TW9003", null, null, input, 0, 0, 0, 0, "ThreadWiseTrackMonitor: rewriting {0} failed: {1}", input, ex.Message);
            }
        }

        Replaced = replaced.ToArray();
        Replacements = replacements.ToArray();
        FilesWritten = written.ToArray();
        return !Log.HasLoggedErrors;
    }

    private static void Replace(ITaskItem original, string path, List<ITaskItem> replaced, List<ITaskItem> replacements, List<ITaskItem> written)
    {
        var replacement = new TaskItem(path);
        original.CopyMetadataTo(replacement);
        replaced.Add(original);
        replacements.Add(replacement);
        written.Add(new TaskItem(path));
    }

    // A copy is reused only when it is newer than everything it was made from; otherwise it is made again (or, when the
    // input no longer has a call to swap, deleted, so that a stale rewritten copy can never be picked up).
    private static bool IsUpToDate(string output, string input, string threadWisePath)
    {
        if (!File.Exists(output))
        {
            return false;
        }

        var made = File.GetLastWriteTimeUtc(output);
        var inputPdb = Path.ChangeExtension(input, ".pdb");
        return made >= File.GetLastWriteTimeUtc(input)
            && (!File.Exists(inputPdb) || made >= File.GetLastWriteTimeUtc(inputPdb))
            && made >= File.GetLastWriteTimeUtc(threadWisePath)
            && made >= File.GetLastWriteTimeUtc(typeof(RewriteMonitorCalls).Assembly.Location);
    }

    private static void DeleteCopy(string output)
    {
        foreach (var file in new[] { output, Path.ChangeExtension(output, ".pdb") })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }
}
