using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Xunit;

namespace ThreadWise.Build.Tests;

/// <summary>The MSBuild task as the package's targets call it: in place, and as copies for referenced projects.</summary>
public sealed class RewriteMonitorCallsTaskTests
{
    private readonly string _dir = TestAssemblies.NewFolder();
    private readonly Engine _engine = new();

    [Fact]
    public void Copies_ReplaceTheAssemblyAndItsPdb_KeepingTheirMetadata()
    {
        var (dll, pdb) = ReferencedProject(LockStatementRewriteTests.LocksSource);
        var task = CopyTask(dll, pdb);

        Assert.True(task.Execute());

        Assert.Equal(new[] { dll.ItemSpec, pdb.ItemSpec }, task.Replaced.Select(i => i.ItemSpec));
        var outputs = task.Replacements.Select(i => i.ItemSpec).ToArray();
        Assert.Equal(new[] { Path.Combine(Output, "Locks.dll"), Path.Combine(Output, "Locks.pdb") }, outputs);
        Assert.All(task.Replacements, i => Assert.Equal("ProjectReference", i.GetMetadata("ReferenceSourceTarget")));
        Assert.Equal(outputs, task.FilesWritten.Select(i => i.ItemSpec));
        Assert.Contains(_engine.Messages, m => m.Contains("6 Monitor call(s) now go through ThreadWise.TrackedMonitor", StringComparison.Ordinal));
    }

    [Fact]
    public void Copies_UpToDate_AreReused_NotRewrittenAgain()
    {
        var (dll, pdb) = ReferencedProject(LockStatementRewriteTests.LocksSource);
        Assert.True(CopyTask(dll, pdb).Execute());
        var made = File.GetLastWriteTimeUtc(Path.Combine(Output, "Locks.dll"));
        _engine.Messages.Clear();

        var again = CopyTask(dll, pdb);
        Assert.True(again.Execute());

        Assert.Equal(2, again.Replacements.Length);
        Assert.Equal(made, File.GetLastWriteTimeUtc(Path.Combine(Output, "Locks.dll")));
        Assert.DoesNotContain(_engine.Messages, m => m.Contains("now go through", StringComparison.Ordinal));
    }

    [Fact]
    public void Copies_InputWithoutLocksAnyMore_StaleCopyIsDeleted_OriginalIsCopied()
    {
        var (dll, pdb) = ReferencedProject(LockStatementRewriteTests.LocksSource);
        Assert.True(CopyTask(dll, pdb).Execute());
        var copy = Path.Combine(Output, "Locks.dll");
        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(Path.ChangeExtension(copy, ".pdb"), DateTime.UtcNow.AddMinutes(-5));
        ReferencedProject("public static class Locks { }");

        var task = CopyTask(dll, pdb);
        Assert.True(task.Execute());

        Assert.Empty(task.Replaced);
        Assert.Empty(task.Replacements);
        Assert.False(File.Exists(copy));
        Assert.False(File.Exists(Path.ChangeExtension(copy, ".pdb")));
    }

    [Fact]
    public void InPlace_RewritesTheIntermediateAssembly_AndReturnsNoReplacement()
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Locks", LockStatementRewriteTests.LocksSource);
        var task = new RewriteMonitorCalls
        {
            BuildEngine = _engine,
            ThreadWiseAssembly = new TaskItem(TestAssemblies.ThreadWisePath),
            Assemblies = new ITaskItem[] { new TaskItem(path) },
        };

        Assert.True(task.Execute());

        Assert.Empty(task.Replacements);
        Assert.Contains("TrackedMonitor", File.ReadAllText(path, System.Text.Encoding.Latin1), StringComparison.Ordinal);
    }

    [Fact]
    public void StrongNamedWithoutKey_IsAWarning_NotAFailure()
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Signed", LockStatementRewriteTests.LocksSource, publicKey: Keys.PublicKey);
        var task = new RewriteMonitorCalls
        {
            BuildEngine = _engine,
            ThreadWiseAssembly = new TaskItem(TestAssemblies.ThreadWisePath),
            Assemblies = new ITaskItem[] { new TaskItem(path) },
        };

        Assert.True(task.Execute());

        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal("TW9002", warning.Code);
        Assert.Contains("strong-named", warning.Message, StringComparison.Ordinal);
        Assert.Empty(_engine.Errors);
    }

    private string Output => Path.Combine(_dir, "tests-obj", "threadwise");

    private (ITaskItem Dll, ITaskItem Pdb) ReferencedProject(string source)
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "product-bin"), "Locks", source);
        return (Item(path), Item(Path.ChangeExtension(path, ".pdb")));

        static ITaskItem Item(string path) => new TaskItem(path, new Dictionary<string, string>
        {
            ["ReferenceSourceTarget"] = "ProjectReference",
            ["CopyLocal"] = "true",
            ["DestinationSubDirectory"] = string.Empty,
        });
    }

    private RewriteMonitorCalls CopyTask(ITaskItem dll, ITaskItem pdb) => new()
    {
        BuildEngine = _engine,
        ThreadWiseAssembly = new TaskItem(TestAssemblies.ThreadWisePath),
        Assemblies = new[] { dll, pdb },
        OutputDirectory = Output,
    };

    private sealed class Engine : IBuildEngine
    {
        public List<string> Messages { get; } = new();

        public List<BuildWarningEventArgs> Warnings { get; } = new();

        public List<BuildErrorEventArgs> Errors { get; } = new();

        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => "test.csproj";

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? string.Empty);

        public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
    }
}
