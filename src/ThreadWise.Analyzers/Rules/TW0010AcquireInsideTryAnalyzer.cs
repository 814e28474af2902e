using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0010: a blocking lock acquisition (<c>Monitor.Enter(o)</c>, <c>Lock.Enter()</c>, <c>sem.Wait(ct)</c>,
/// <c>await sem.WaitAsync(ct)</c>, <c>WaitOne()</c>, <c>Enter*Lock()</c>) inside the <c>try</c> whose <c>finally</c>
/// releases the same lock unconditionally. When the acquisition throws (cancelled, interrupted, disposed) the
/// <c>finally</c> releases a lock that was never taken: <c>SynchronizationLockException</c> hides the real exception, a
/// <c>SemaphoreSlim</c> silently gains a permit. Reported live, on the acquisition, from the operation tree.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0010AcquireInsideTryAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when the acquisition can move to just before the <c>try</c> (the fix applies).</summary>
    public const string MovableProperty = "Movable";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.AcquireInsideTry,
        title: "Lock acquired inside the try whose finally releases it",
        messageFormat: "'{0}' is inside the try whose finally calls '{1}' at line {2}: if the acquisition throws (cancelled, interrupted, disposed), the finally releases a lock this thread does not hold",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "Acquire a lock just before the try whose finally releases it, not inside it. Every acquisition can " +
                     "throw before taking the lock (OperationCanceledException, ThreadInterruptedException, " +
                     "ObjectDisposedException); the finally then releases a lock that was never taken: Monitor.Exit throws " +
                     "SynchronizationLockException and hides the original exception, and a SemaphoreSlim silently gets an " +
                     "extra permit, so that two callers get in at once from then on.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var locks = ThreadingModel.Get(start.Compilation).Locks;
            if (locks.Monitor is null && locks.Lock is null && locks.SemaphoreSlim is null && locks.WaitHandle is null &&
                locks.ReaderWriterLockSlim is null)
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
        var locks = facts.Locks;
        if (!locks.TryGetAction(invocation, out var action) || !LockIdentity.TryCreate(action, out var identity))
        {
            return;
        }

        // Blocking acquisitions, and timed ones that cannot time out; a try-acquire that can fail is TW0011's.
        var blocking = action.Kind == LockActionKind.Acquire ||
                       (action.Kind == LockActionKind.TryAcquire && locks.CannotFail(invocation) && !locks.IsBlockingEnterWithFlag(invocation.TargetMethod));
        if (!blocking)
        {
            return;
        }

        // WaitAsync holds the semaphore only once awaited; the value of an infinite Wait(-1) may be stored.
        IOperation statementValue = invocation;
        if (!invocation.TargetMethod.ReturnsVoid && invocation.Type?.SpecialType != SpecialType.System_Boolean)
        {
            if (facts.AwaitOf(invocation) is not { } awaited)
            {
                return;
            }

            statementValue = awaited;
        }

        if (FindReleasingTry(invocation, identity, locks) is not { } found)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty;
        if (IsMovable(found.Try, statementValue, facts))
        {
            properties = properties.Add(MovableProperty, "true");
        }

        var site = invocation.Syntax;
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            site.GetLocation(),
            additionalLocations: new[] { found.Release.Syntax.GetLocation() },
            properties: properties,
            CodeText.Shorten(site.ToString()),
            CodeText.Shorten(found.Release.Syntax.ToString()),
            CodeText.Line(found.Release.Syntax)));
    }

    /// <summary>
    /// The innermost enclosing <c>try</c> (in the same body, not across a loop) whose body holds the acquisition and
    /// whose <c>finally</c> has the release of the lock as a statement of its own (not under a condition).
    /// </summary>
    private static (ITryOperation Try, IInvocationOperation Release)? FindReleasingTry(IInvocationOperation invocation, LockIdentity identity, LockApi locks)
    {
        IOperation child = invocation;
        for (var current = invocation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation or ILoopOperation:
                    return null;
                case ITryOperation { Finally: { } handler } tryOperation when child == tryOperation.Body:
                    if (UnconditionalRelease(handler, identity, locks) is { } release)
                    {
                        return (tryOperation, release);
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// A release of the lock that the block always attempts: a statement of its own, also inside a nested block or
    /// the body of a nested <c>try</c> (<c>finally { try { _gate.Release(); } catch (ObjectDisposedException) { } }</c>
    /// still releases a lock that was never taken); never one under a condition.
    /// </summary>
    private static IInvocationOperation? UnconditionalRelease(IBlockOperation block, LockIdentity identity, LockApi locks)
    {
        foreach (var statement in block.Operations)
        {
            var found = statement switch
            {
                IExpressionStatementOperation { Operation: IInvocationOperation release } when identity.IsReleasedBy(release, locks) => release,
                IBlockOperation nested => UnconditionalRelease(nested, identity, locks),
                ITryOperation nested => UnconditionalRelease(nested.Body, identity, locks),
                _ => null,
            };
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// True when the acquisition is a whole statement of the <c>try</c> block, everything before it there cannot throw
    /// and declares nothing, and the <c>try</c> has no <c>catch</c>: moving it before the <c>try</c> changes only what the
    /// <c>finally</c> covers.
    /// </summary>
    private static bool IsMovable(ITryOperation tryOperation, IOperation statementValue, LockRegionFacts facts)
    {
        if (!tryOperation.Catches.IsEmpty || statementValue.Parent is not IExpressionStatementOperation statement ||
            statement.Parent != tryOperation.Body)
        {
            return false;
        }

        foreach (var before in tryOperation.Body.Operations)
        {
            if (before == statement)
            {
                return true;
            }

            if (before is not IExpressionStatementOperation)
            {
                // A declaration, a branch that may return first, a nested block: keep the code as it is.
                return false;
            }

            foreach (var part in Flow.ControlFlowGraphs.SelfAndDescendantsInOrder(before))
            {
                if (facts.CanThrow(part))
                {
                    return false;
                }
            }
        }

        return false;
    }
}
