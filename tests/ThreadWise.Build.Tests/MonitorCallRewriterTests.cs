using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace ThreadWise.Build.Tests;

/// <summary>What the rewriter swaps and leaves alone, read back with Cecil.</summary>
public sealed class MonitorCallRewriterTests
{
    private const string ExplicitCallsSource = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Calls
        {
            public static void Explicit(object o)
            {
                Monitor.Enter(o);                                  // Enter(object)
                try
                {
                    Monitor.Wait(o, 1);                            // Wait(object, int)
                    Monitor.Wait(o, 1, false);                     // Wait(object, int, bool): not mirrored, stays
                    Monitor.Pulse(o);
                    Monitor.PulseAll(o);
                    _ = Monitor.IsEntered(o);
                }
                finally
                {
                    System.Threading.Monitor.Exit(o);              // fully qualified
                }

                if (Monitor.TryEnter(o, TimeSpan.FromSeconds(1)))  // TryEnter(object, TimeSpan)
                {
                    Monitor.Exit(o);
                }

                Action<object> enter = Monitor.Enter;              // ldftn Enter(object)
                _ = Monitor.LockContentionCount;                   // a property: not mirrored, stays
            }

            public static Func<int> InLambda(object o) => () => { lock (o) { return 1; } };

            public static async Task InAsync(object o)
            {
                await Task.Yield();
                lock (o) { }
            }

            public static IEnumerable<int> InIterator(object o)
            {
                lock (o) { }
                yield return 1;
            }
        }
        """;

    private readonly string _dir = TestAssemblies.NewFolder();

    [Fact]
    public void ExplicitCalls_LambdasAsyncAndIterators_AreSwapped_UnmirroredOnesStay()
    {
        var path = TestAssemblies.Compile(_dir, "Calls", ExplicitCallsSource);

        var result = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.Rewritten, result.Outcome);
        // Explicit: Enter, Wait, Pulse, PulseAll, IsEntered, Exit, TryEnter, Exit, ldftn Enter = 9; three locks x 2.
        Assert.Equal(15, result.Swaps);
        var remaining = Callees(path).Where(m => m.DeclaringType.FullName == "System.Threading.Monitor").Select(m => m.FullName).OrderBy(n => n).ToArray();
        Assert.Equal(
            new[]
            {
                "System.Boolean System.Threading.Monitor::Wait(System.Object,System.Int32,System.Boolean)",
                "System.Int64 System.Threading.Monitor::get_LockContentionCount()",
            },
            remaining);
        var tracked = Callees(path).Where(m => m.DeclaringType.FullName == "ThreadWise.TrackedMonitor").ToList();
        Assert.Equal(15, tracked.Count);
        Assert.All(tracked, m => Assert.Equal("ThreadWise", ((AssemblyNameReference)m.DeclaringType.Scope).Name));
    }

    [Fact]
    public void AddsTheThreadWiseReference_WithTheReferencedIdentity()
    {
        var path = TestAssemblies.Compile(_dir, "Locks", LockStatementRewriteTests.LocksSource);
        Assert.DoesNotContain(References(path), r => r.Name == "ThreadWise");

        MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        var reference = Assert.Single(References(path), r => r.Name == "ThreadWise");
        Assert.Equal(typeof(TrackedMonitor).Assembly.GetName().Version, reference.Version);
    }

    [Fact]
    public void AnAssemblyThatAlreadyReferencesThreadWise_KeepsOneReference()
    {
        var source = LockStatementRewriteTests.LocksSource + "public static class UsesIt { public static bool On => ThreadWise.LockOrderValidator.IsEnabled; }";
        var path = TestAssemblies.Compile(_dir, "Locks", source, referenceThreadWise: true);

        MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Single(References(path), r => r.Name == "ThreadWise");
    }

    [Fact]
    public void SecondRun_ChangesNothing()
    {
        var path = TestAssemblies.Compile(_dir, "Locks", LockStatementRewriteTests.LocksSource);
        Assert.Equal(RewriteOutcome.Rewritten, MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath).Outcome);
        var dll = File.ReadAllBytes(path);
        var pdb = File.ReadAllBytes(Path.ChangeExtension(path, ".pdb"));
        var written = File.GetLastWriteTimeUtc(path);

        var second = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.Unchanged, second.Outcome);
        Assert.Equal(0, second.Swaps);
        Assert.Equal(dll, File.ReadAllBytes(path));
        Assert.Equal(pdb, File.ReadAllBytes(Path.ChangeExtension(path, ".pdb")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void SameInput_GivesTheSameBytes()
    {
        var path = TestAssemblies.Compile(_dir, "Locks", LockStatementRewriteTests.LocksSource);
        MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);
        var dll = File.ReadAllBytes(path);
        var pdb = File.ReadAllBytes(Path.ChangeExtension(path, ".pdb"));

        TestAssemblies.Compile(_dir, "Locks", LockStatementRewriteTests.LocksSource);
        MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Equal(dll, File.ReadAllBytes(path));
        Assert.Equal(pdb, File.ReadAllBytes(Path.ChangeExtension(path, ".pdb")));
    }

    [Fact]
    public void SequencePoints_AreTheSameAfterTheRewrite()
    {
        var original = TestAssemblies.Compile(Path.Combine(_dir, "original"), "Calls", ExplicitCallsSource);
        var rewritten = Path.Combine(_dir, "rewritten", "Calls.dll");

        MonitorCallRewriter.Rewrite(original, rewritten, TestAssemblies.ThreadWisePath);

        Assert.Equal(SequencePoints(original), SequencePoints(rewritten));
        Assert.NotEmpty(SequencePoints(original));
    }

    [Fact]
    public void ConstantOfAnEnumDeclaredElsewhere_IsWritten_WithTheReferenceFolders()
    {
        // Writing such a constant needs the enum's underlying type, from the assembly that declares it.
        var dependency = TestAssemblies.Compile(Path.Combine(_dir, "dependency"), "Colors", "namespace Colors { public enum Color : byte { Red, Green } }");
        const string Source = "public static class Palette { public const Colors.Color Default = Colors.Color.Green; public static void Paint(object o) { lock (o) { } } }";
        var path = TestAssemblies.Compile(Path.Combine(_dir, "product"), "Palette", Source, reference: dependency);

        var without = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);
        var with = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath, referenceDirectories: new[] { Path.GetDirectoryName(dependency)! });

        Assert.Equal(RewriteOutcome.Skipped, without.Outcome);
        Assert.Contains("'Colors, Version=0.0.0.0", without.Message, System.StringComparison.Ordinal);
        Assert.Equal(RewriteOutcome.Rewritten, with.Outcome);
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        var constant = assembly.MainModule.GetType("Palette").Fields.Single(f => f.Name == "Default");
        Assert.Equal((byte)1, constant.Constant);
    }

    [Fact]
    public void NoMonitorCall_NothingWritten()
    {
        var path = TestAssemblies.Compile(_dir, "Plain", "public static class Plain { public static int One() => 1; }");
        var output = Path.Combine(_dir, "out", "Plain.dll");

        var result = MonitorCallRewriter.Rewrite(path, output, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.Unchanged, result.Outcome);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ThreadWiseItself_IsNeverRewritten()
    {
        var copy = TestAssemblies.CopyTo(TestAssemblies.ThreadWisePath, Path.Combine(_dir, "tw"));
        var before = File.ReadAllBytes(copy);

        var result = MonitorCallRewriter.Rewrite(copy, copy, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.NotApplicable, result.Outcome);
        Assert.Contains("ThreadWise library itself", result.Message, System.StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void FrameworkAssembly_IsNeverRewritten()
    {
        // System.Collections.Concurrent calls Monitor (BlockingCollection, Partitioner): a framework assembly, never
        // instrumented, even when a caller passes one and a key.
        var copy = TestAssemblies.CopyTo(typeof(System.Collections.Concurrent.BlockingCollection<>).Assembly.Location, Path.Combine(_dir, "fx"));
        var before = File.ReadAllBytes(copy);
        var snk = Path.Combine(_dir, "key.snk");
        File.WriteAllBytes(snk, Keys.KeyPair);

        var result = MonitorCallRewriter.Rewrite(copy, copy, TestAssemblies.ThreadWisePath, snk);

        Assert.Equal(RewriteOutcome.NotApplicable, result.Outcome);
        Assert.Contains("framework assembly", result.Message, System.StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void WindowsPdb_IsSkippedWithTheReason_RatherThanLosingTheSymbols()
    {
        var path = TestAssemblies.Compile(_dir, "Locks", LockStatementRewriteTests.LocksSource);
        var pdb = Path.ChangeExtension(path, ".pdb");
        File.WriteAllBytes(pdb, System.Text.Encoding.ASCII.GetBytes("Microsoft C/C++ MSF 7.00\r\n\u001aDS\0\0\0"));
        var before = File.ReadAllBytes(path);

        var result = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.Skipped, result.Outcome);
        Assert.Contains("Windows PDB", result.Message, System.StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void StrongNamed_WithoutKey_IsSkippedWithTheReason()
    {
        var path = TestAssemblies.Compile(_dir, "Signed", LockStatementRewriteTests.LocksSource, publicKey: Keys.PublicKey);
        var before = File.ReadAllBytes(path);

        var result = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.Skipped, result.Outcome);
        Assert.Contains("strong-named", result.Message, System.StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void StrongNamed_WithItsKey_IsRewrittenAndSigned()
    {
        var path = TestAssemblies.Compile(_dir, "Signed", LockStatementRewriteTests.LocksSource, publicKey: Keys.PublicKey);
        var snk = Path.Combine(_dir, "key.snk");
        File.WriteAllBytes(snk, Keys.KeyPair);

        var result = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath, snk);

        Assert.Equal(RewriteOutcome.Rewritten, result.Outcome);
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        Assert.Equal(Keys.PublicKey, assembly.Name.PublicKey);
        Assert.True(assembly.MainModule.Attributes.HasFlag(ModuleAttributes.StrongNameSigned));
    }

    private static MethodReference[] Callees(string path)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        return assembly.MainModule.GetTypes()
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody)
            .SelectMany(m => m.Body.Instructions)
            .Where(i => i.OpCode.Code is Code.Call or Code.Ldftn)
            .Select(i => (MethodReference)i.Operand)
            .ToArray();
    }

    private static AssemblyNameReference[] References(string path)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(path);
        return assembly.MainModule.AssemblyReferences.ToArray();
    }

    private static string[] SequencePoints(string path)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(path, new ReaderParameters { ReadSymbols = true });
        return assembly.MainModule.GetTypes()
            .SelectMany(t => t.Methods)
            .Where(m => m.HasBody)
            .SelectMany(m => m.DebugInformation.SequencePoints.Select(p =>
                $"{m.FullName} IL_{p.Offset:x4} {Path.GetFileName(p.Document.Url)} {p.StartLine}:{p.StartColumn}-{p.EndLine}:{p.EndColumn}"))
            .ToArray();
    }
}
