using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0011: a try-acquire (<c>Monitor.TryEnter</c>, <c>Lock.TryEnter</c>, <c>SemaphoreSlim.Wait(timeout)</c>/<c>WaitAsync(timeout)</c>,
/// <c>WaitOne(timeout)</c> on a Mutex or Semaphore, <c>ReaderWriterLockSlim.TryEnter*Lock</c>) after which a path on
/// which it failed reaches the release of the same lock: the result is thrown away, or kept but not guarding the
/// release. The region then runs without the lock, and the release throws (<c>SynchronizationLockException</c>,
/// <c>ApplicationException</c>) or silently adds a semaphore permit. Reported live, on the try-acquire.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0011TryAcquireResultIgnoredAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: <c>Ignored</c> when the result is thrown away (the fix applies), else <c>Kept</c>.</summary>
    public const string ResultProperty = "Result";

    /// <summary>Diagnostic property: the lock object as written (<c>_gate</c>), for the fix's exception message.</summary>
    public const string LockProperty = "Lock";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.TryAcquireResultIgnored,
        title: "Try-acquire result ignored or not guarding the release",
        messageFormat: "The result of '{0}' {1}: when it fails, '{2}' at line {3} releases a lock this thread does not hold",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "TryEnter, Wait(timeout), WaitAsync(timeout), WaitOne(timeout) and TryEnter*Lock return false when the " +
                     "lock was not taken. Code that goes on regardless runs without the lock, and its release throws " +
                     "(SynchronizationLockException, ApplicationException for a Mutex) or silently gives a semaphore an " +
                     "extra permit, so that two callers get in from then on. Test the result and release only when it " +
                     "is true.");

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
            var neverReturning = new NeverReturningCalls(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, facts, neverReturning), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, LockRegionFacts facts, NeverReturningCalls neverReturning)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!facts.Locks.TryGetAction(invocation, out var action) || action.Kind != LockActionKind.TryAcquire ||
            facts.Locks.CannotFail(invocation) || !LockIdentity.TryCreate(action, out var identity))
        {
            return;
        }

        // WaitAsync(timeout) says whether it acquired only through its awaited result; a task kept for later is not followed.
        if (!invocation.TargetMethod.ReturnsVoid && invocation.Type?.SpecialType != SpecialType.System_Boolean &&
            facts.AwaitOf(invocation) is null)
        {
            return;
        }

        if (!BodyReleases(invocation, identity, facts.Locks))
        {
            return;
        }

        var site = invocation.Syntax;
        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), site, context.CancellationToken);
        if (UnheldReleasePaths.Find(graph, site, identity, facts, neverReturning, context.CancellationToken) is not { } finding)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            site.GetLocation(),
            additionalLocations: new[] { finding.Release.GetLocation() },
            properties: ImmutableDictionary<string, string?>.Empty
                .Add(ResultProperty, finding.Use.ToString())
                .Add(LockProperty, identity.Display),
            CodeText.Shorten(site.ToString()),
            finding.Use == TryAcquireResultUse.Ignored ? "is ignored" : "does not guard the release",
            CodeText.Shorten(finding.Release.ToString()),
            CodeText.Line(finding.Release)));
    }

    /// <summary>Cheap pre-check on the operation tree: the body (not a nested lambda) releases this lock somewhere.</summary>
    private static bool BodyReleases(IInvocationOperation invocation, LockIdentity identity, LockApi locks)
    {
        IOperation root = invocation;
        while (root.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            root = parent;
        }

        foreach (var current in ControlFlowGraphs.SelfAndDescendantsInOrder(root))
        {
            if (current is IInvocationOperation candidate && identity.IsReleasedBy(candidate, locks))
            {
                return true;
            }
        }

        return false;
    }
}
