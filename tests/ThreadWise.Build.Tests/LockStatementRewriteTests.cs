using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace ThreadWise.Build.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ValidatorCollection
{
    public const string Name = "LockOrderValidator (process-wide state)";
}

/// <summary>Plain <c>lock</c> statements compiled by Roslyn, rewritten, loaded and run with the validator on.</summary>
[Collection(ValidatorCollection.Name)]
public sealed class LockStatementRewriteTests : IDisposable
{
    internal const string LocksSource = """
        using System;

        public static class Locks
        {
            public static void Nest(object outer, object inner)
            {
                lock (outer)
                {
                    lock (inner)
                    {
                    }
                }
            }

            public static void Fail(object gate)
            {
                lock (gate)
                {
                    throw new InvalidOperationException("inside the lock");
                }
            }
        }
        """;

    private readonly List<LockOrderViolation> _violations = new();
    private readonly string _dir = TestAssemblies.NewFolder();

    public LockStatementRewriteTests()
    {
        LockOrderValidator.Reset();
        LockOrderValidator.Enable(v =>
        {
            lock (_violations)
            {
                _violations.Add(v);
            }
        });
    }

    public void Dispose()
    {
        LockOrderValidator.Disable();
        LockOrderValidator.Reset();
    }

    [Fact]
    public void Rewritten_LockStatementsInBothOrders_ReportTheInversion()
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Locks", LocksSource);

        var result = MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);

        Assert.Equal(RewriteOutcome.Rewritten, result.Outcome);
        Assert.Equal(6, result.Swaps); // three locks: Enter(object, ref bool) and Exit(object) each
        object a = new(), b = new();
        LockOrderValidator.SetName(a, "a");
        LockOrderValidator.SetName(b, "b");
        TestAssemblies.Invoke(path, "Locks", "Nest", a, b);
        Assert.Empty(_violations);
        TestAssemblies.Invoke(path, "Locks", "Nest", b, a);
        var violation = Assert.Single(_violations);
        Assert.Equal("b", violation.HeldLock);
        Assert.Equal("a", violation.RequestedLock);
        Assert.Equal(new[] { "a", "b" }, violation.PriorOrder);
        // Both locks were released through the tracked Exit: the next acquisition holds nothing.
        Assert.False(System.Threading.Monitor.IsEntered(a));
        Assert.False(System.Threading.Monitor.IsEntered(b));
    }

    [Fact]
    public void NotRewritten_SameCode_ReportsNothing()
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Locks", LocksSource);
        object a = new(), b = new();

        TestAssemblies.Invoke(path, "Locks", "Nest", a, b);
        TestAssemblies.Invoke(path, "Locks", "Nest", b, a);

        Assert.Empty(_violations);
    }

    [Fact]
    public void Rewritten_WithValidationOff_RunsUnchanged()
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Locks", LocksSource);
        MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath);
        LockOrderValidator.Disable();
        object a = new(), b = new();

        TestAssemblies.Invoke(path, "Locks", "Nest", a, b);
        TestAssemblies.Invoke(path, "Locks", "Nest", b, a);

        Assert.Empty(_violations);
        Assert.False(System.Threading.Monitor.IsEntered(a));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rewritten_StackTraceLineNumbers_Survive(bool embeddedPdb)
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Locks", LocksSource, embeddedPdb);
        // Rewritten into another folder, as the copy of a referenced project's assembly is.
        var output = Path.Combine(_dir, "rewritten", "Locks.dll");
        Assert.Equal(RewriteOutcome.Rewritten, MonitorCallRewriter.Rewrite(path, output, TestAssemblies.ThreadWisePath).Outcome);
        Assert.Equal(embeddedPdb, !File.Exists(Path.ChangeExtension(output, ".pdb")));
        var expectedLine = LineOf(LocksSource, "throw new InvalidOperationException");

        var ex = Assert.Throws<InvalidOperationException>(() => TestAssemblies.Invoke(output, "Locks", "Fail", new object()));

        var frame = new StackTrace(ex, fNeedFileInfo: true).GetFrame(0)!;
        Assert.Equal("Fail", frame.GetMethod()!.Name);
        Assert.Equal(expectedLine, frame.GetFileLineNumber());
        Assert.Equal("Sample.cs", Path.GetFileName(frame.GetFileName()));
    }

    [Fact]
    public void Rewritten_WithoutAnyPdb_StillReportsTheInversion()
    {
        var path = TestAssemblies.Compile(Path.Combine(_dir, "obj"), "Locks", LocksSource, noPdb: true);

        Assert.Equal(RewriteOutcome.Rewritten, MonitorCallRewriter.Rewrite(path, path, TestAssemblies.ThreadWisePath).Outcome);

        Assert.False(File.Exists(Path.ChangeExtension(path, ".pdb")));
        object a = new(), b = new();
        TestAssemblies.Invoke(path, "Locks", "Nest", a, b);
        TestAssemblies.Invoke(path, "Locks", "Nest", b, a);
        Assert.Single(_violations);
    }

    private static int LineOf(string source, string text) =>
        source.Split('\n').Select((line, i) => (line, i)).Single(x => x.line.Contains(text, StringComparison.Ordinal)).i + 1;
}
