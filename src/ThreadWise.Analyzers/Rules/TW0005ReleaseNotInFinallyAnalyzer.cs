using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0005: a lock acquired by a call (<c>Monitor.Enter</c>, <c>Lock.Enter</c>, <c>SemaphoreSlim.Wait</c>/<c>WaitAsync</c>,
/// <c>WaitOne</c>, <c>Enter*Lock</c>, <c>SpinLock.Enter</c>, the try-acquire forms) whose release is not in a
/// <c>finally</c> that covers everything in between: on some path an exception, a <c>throw</c> or an early exit leaves
/// the body with the lock held, and every other thread waiting for it hangs. A body that never releases the lock on a
/// path that completes normally hands it off on purpose (a signal, an acquire helper) and is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0005ReleaseNotInFinallyAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ReleaseNotInFinally,
        title: "Lock acquired without a release in finally",
        messageFormat: "'{0}' is acquired here but not released in a finally: {1}",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "A lock taken by a call must be released in a finally block that starts right after the acquisition " +
                     "(or by a lock statement or a using scope). Otherwise an exception, a throw or an early return between " +
                     "the acquisition and the release leaves the lock held forever: every other thread that waits for it " +
                     "hangs, and a semaphore silently loses a permit.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var locks = ThreadingModel.Get(start.Compilation).Locks;
            if (locks.Monitor is null && locks.Lock is null && locks.SemaphoreSlim is null && locks.WaitHandle is null &&
                locks.ReaderWriterLockSlim is null && locks.SpinLock is null)
            {
                return;
            }

            var facts = new LockRegionFacts(start.Compilation, locks);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, facts), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, LockRegionFacts facts)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!facts.Locks.TryGetAction(invocation, out var action) ||
            action.Kind is not (LockActionKind.Acquire or LockActionKind.TryAcquire) ||
            !LockIdentity.TryCreate(action, out var identity))
        {
            return;
        }

        // sem.WaitAsync() holds the semaphore only once awaited; a task stored for later is not followed.
        if (!invocation.TargetMethod.ReturnsVoid && invocation.Type?.SpecialType != SpecialType.System_Boolean &&
            facts.AwaitOf(invocation) is null)
        {
            return;
        }

        var site = invocation.Syntax;
        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), site, context.CancellationToken);
        if (HeldLockPaths.FindLeak(graph, site, action, identity, facts, context.CancellationToken) is not { } leak)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            site.GetLocation(),
            additionalLocations: new[] { leak.Site.GetLocation() },
            properties: ImmutableDictionary<string, string?>.Empty.Add("Leak", leak.Kind.ToString()),
            identity.Display,
            Describe(leak)));
    }

    internal static string Describe(LockLeak leak)
    {
        var line = (leak.Site.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture);
        return leak.Kind switch
        {
            LockLeakKind.Exception => $"an exception from '{Shorten(leak.Site.ToString())}' at line {line} leaves it held",
            LockLeakKind.Throw => $"the throw at line {line} leaves it held",
            LockLeakKind.Return => $"the return at line {line} leaves it held",
            _ => $"a path that leaves after line {line} never releases it",
        };
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", string.Empty).Replace("\n", " ");
        return text.Length <= 40 ? text : text.Substring(0, 37) + "...";
    }
}
