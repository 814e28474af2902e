using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyFix = ThreadWise.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<
    ThreadWise.Analyzers.Rules.TW0004InconsistentLockOrderAnalyzer,
    ThreadWise.CodeFixes.Rules.TW0004InconsistentLockOrderCodeFix>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0004 with a nested pair among other statements in one method: the wanted outer lock moves out over the whole body
/// when the other statements cannot take a lock; otherwise no fix. Run with a null key, as <c>dotnet format</c> does.
/// </summary>
public class TW0004InconsistentLockOrderHoistFixTests
{
    private static Task VerifyAsync(string source, string fixedSource)
    {
        var test = new VerifyFix.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = null,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_TheCourseBank_ReconcileTakesTheLedgerFirst_ThroughACallElsewhere()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();
                private readonly List<string> _entries = new List<string>();
                private readonly List<string> _log = new List<string>();

                public void Post(string entry)
                {
                    lock (_ledger)
                    {
                        _entries.Add(entry);
                        {|TW0004:WriteAudit(entry)|};
                    }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        Thread.Sleep(100); // widen the window
                        // count them
                        lock ({|TW0004:_ledger|}) // the other lock
                        {
                            _log.Add($"reconciled {_entries.Count} entries");
                        }

                        _log.Add("done");
                    }
                }

                private void WriteAudit(string entry)
                {
                    lock (_audit)
                    {
                        _log.Add(entry);
                    }
                }
            }
            """;
        const string fixedSource = """
            using System.Collections.Generic;
            using System.Threading;

            class Bank
            {
                private readonly object _ledger = new object();
                private readonly object _audit = new object();
                private readonly List<string> _entries = new List<string>();
                private readonly List<string> _log = new List<string>();

                public void Post(string entry)
                {
                    lock (_ledger)
                    {
                        _entries.Add(entry);
                        WriteAudit(entry);
                    }
                }

                public void Reconcile()
                {
                    lock (_ledger)
                    {
                        lock (_audit)
                        {
                            Thread.Sleep(100); // widen the window
                            // count them
                            // the other lock
                            _log.Add($"reconciled {_entries.Count} entries");

                            _log.Add("done");
                        }
                    }
                }

                private void WriteAudit(string entry)
                {
                    lock (_audit)
                    {
                        _log.Add(entry);
                    }
                }
            }
            """;
        return VerifyAsync(source, fixedSource);
    }

    [Fact]
    public Task NoFix_WhenAStatementBesideTheInnerLockCallsSourceCode_OrChangesTheInnerLock()
    {
        const string source = """
            class Bank
            {
                private object _ledger = new object();
                private readonly object _audit = new object();

                public void Post()
                {
                    lock (_ledger)
                    {
                        lock ({|TW0004:_audit|}) { }
                    }

                    lock (_ledger)
                    {
                        lock ({|TW0004:_audit|}) { }
                    }
                }

                public void Reconcile()
                {
                    lock (_audit)
                    {
                        Log();
                        lock ({|TW0004:_ledger|}) { }
                    }
                }

                public void Replace()
                {
                    lock (_audit)
                    {
                        _ledger = new object();
                        lock ({|TW0004:_ledger|}) { }
                    }
                }

                private static void Log() { }
            }
            """;
        return VerifyAsync(source, source);
    }
}
