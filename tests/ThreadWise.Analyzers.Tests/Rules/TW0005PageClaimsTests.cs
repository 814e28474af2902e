using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>Claims of docs/rules/TW0005.md that the other test files did not pin down.</summary>
public class TW0005PageClaimsTests
{
    // Held-state guards: "IsWriteLockHeld, IsUpgradeableReadLockHeld, Monitor.IsEntered(o), IsHeldByCurrentThread".
    [Fact]
    public Task NoDiagnostic_HeldStateGuards_MonitorAndSpinLock()
    {
        const string source = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new object();
                private SpinLock _spin = new SpinLock(true);

                void Work() { }

                void Monitored()
                {
                    Monitor.Enter(_gate);
                    if (!Monitor.IsEntered(_gate)) return;
                    try { Work(); } finally { Monitor.Exit(_gate); }
                }

                void Spun()
                {
                    var taken = false;
                    _spin.Enter(ref taken);
                    if (!_spin.IsHeldByCurrentThread) return;
                    try { Work(); } finally { _spin.Exit(); }
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    // "a permit handed to a continuation (ContinueWith((_, s) => ((SemaphoreSlim)s).Release(), _gate), a lambda that
    // releases it directly, or one that calls a method of the type ... that releases it), also when another path
    // releases in place".
    [Fact]
    public Task NoDiagnostic_PermitHandedToAContinuation_EveryForm()
    {
        const string source = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);

                Task State(Task task)
                {
                    _gate.Wait();
                    return task.ContinueWith((_, s) => ((SemaphoreSlim)s).Release(), _gate);
                }

                Task Direct(Task task)
                {
                    _gate.Wait();
                    return task.ContinueWith(_ => _gate.Release());
                }

                Task ViaMethod(Task task)
                {
                    _gate.Wait();
                    return task.ContinueWith(_ => Done());
                }

                Task OrInPlace(Task task, bool skip)
                {
                    _gate.Wait();
                    if (skip)
                    {
                        _gate.Release();
                        return Task.CompletedTask;
                    }

                    return task.ContinueWith(_ => _gate.Release());
                }

                void Done() => _gate.Release();
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }
}
