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
            if (locks.Mutex is not null)
            {
                start.RegisterOperationAction(c => AnalyzeCreation(c, facts), OperationKind.ObjectCreation);
            }
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

        Analyze(context, invocation, action, identity, facts);
    }

    /// <summary><c>var m = new Mutex(true);</c>: the constructor acquires the mutex it creates.</summary>
    private static void AnalyzeCreation(OperationAnalysisContext context, LockRegionFacts facts)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!facts.Locks.TryGetCreationAcquire(creation, out var kind, out var target) ||
            !LockIdentity.TryCreate(new LockAction(LockPrimitive.Mutex, kind, LockMode.Exclusive, target), out var identity))
        {
            return;
        }

        Analyze(context, creation, new LockAction(LockPrimitive.Mutex, kind, LockMode.Exclusive, target), identity, facts);
    }

    private static void Analyze(OperationAnalysisContext context, IOperation acquire, LockAction action, LockIdentity identity, LockRegionFacts facts)
    {
        // Cheap answers first, on the operation tree: most code releases in a finally that starts right after the
        // acquisition (or encloses it), and a body that never releases this lock hands it off. Only the rest needs a graph.
        if (IsCoveredByFinally(acquire, identity, facts.Locks) || !BodyReleases(acquire, identity, facts.Locks))
        {
            return;
        }

        var site = acquire.Syntax;
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

    /// <summary>
    /// True when every path from the acquisition runs a <c>finally</c> that releases the lock: the acquisition is in the
    /// <c>try</c> block of such a statement, or it is a statement of its own immediately followed by one.
    /// </summary>
    private static bool IsCoveredByFinally(IOperation invocation, LockIdentity identity, LockApi locks)
    {
        IOperation child = invocation;
        for (var current = invocation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case ITryOperation { Finally: { } handler } tryOperation when child == tryOperation.Body && Releases(handler, invocation, identity, locks):
                    return true;
                case IExpressionStatementOperation or IVariableDeclarationGroupOperation when current.Parent is IBlockOperation block && IsWholeStatement(current, invocation):
                    var index = block.Operations.IndexOf(current);
                    if (index + 1 < block.Operations.Length &&
                        block.Operations[index + 1] is ITryOperation { Finally: { } next } && Releases(next, invocation, identity, locks))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary><c>Monitor.Enter(o);</c>, <c>await sem.WaitAsync();</c>, <c>await sem.WaitAsync().ConfigureAwait(false);</c>, <c>var m = new Mutex(true);</c>.</summary>
    private static bool IsWholeStatement(IOperation statement, IOperation invocation)
    {
        if (statement is IVariableDeclarationGroupOperation group)
        {
            return invocation is IObjectCreationOperation && group.Declarations.Length == 1 &&
                   group.Declarations[0].Declarators.Length == 1 &&
                   group.Declarations[0].Declarators[0].Initializer?.Value is { } initial && StartApiUnwrap(initial) == invocation;
        }

        var value = ((IExpressionStatementOperation)statement).Operation;
        if (value is ISimpleAssignmentOperation assignment && invocation is IObjectCreationOperation)
        {
            return StartApiUnwrap(assignment.Value) == invocation;
        }

        while (value is IAwaitOperation or IInvocationOperation { Instance: not null } && value != invocation)
        {
            value = value is IAwaitOperation await ? await.Operation : ((IInvocationOperation)value).Instance;
        }

        return value == invocation;
    }

    /// <summary>
    /// True when the body that contains <paramref name="invocation"/> releases the lock itself and does not hand it to
    /// a lambda or local function (<c>sem.Wait(); Task.Run(() => { …; sem.Release(); });</c>: released on another thread).
    /// </summary>
    private static bool BodyReleases(IOperation invocation, LockIdentity identity, LockApi locks)
    {
        IOperation root = invocation;
        while (root.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            root = parent;
        }

        var direct = false;
        var stack = new System.Collections.Generic.Stack<(IOperation Operation, bool Nested)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (current, nested) = stack.Pop();
            if (current is IInvocationOperation candidate && identity.IsReleasedBy(candidate, locks))
            {
                if (nested)
                {
                    return false;
                }

                direct = true;
            }

            foreach (var child in current.ChildOperations)
            {
                stack.Push((child, nested || child is IAnonymousFunctionOperation or ILocalFunctionOperation));
            }
        }

        return direct;
    }

    private static IOperation StartApiUnwrap(IOperation operation) => StartApi.Unwrap(operation)!;

    /// <summary>
    /// True when <paramref name="root"/> (a finally handler) releases the lock unconditionally, or under a test that
    /// says the lock is held (the acquisition's <c>ref</c> flag, <c>Monitor.IsEntered(o)</c>). A release under another
    /// condition (<c>if (flag)</c>) is left to the flow analysis, which knows which conditions say whether the lock is held.
    /// </summary>
    private static bool Releases(IOperation root, IOperation acquire, LockIdentity identity, LockApi locks)
    {
        var stack = new System.Collections.Generic.Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is IInvocationOperation candidate && identity.IsReleasedBy(candidate, locks))
            {
                return true;
            }

            foreach (var child in current.ChildOperations)
            {
                if (child is IConditionalOperation { WhenTrue: var whenTrue } conditional && SaysHeld(conditional.Condition, acquire, identity, locks))
                {
                    stack.Push(whenTrue);
                }
                else if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation or IConditionalOperation or ILoopOperation or
                    ISwitchOperation or IConditionalAccessOperation or ITryOperation or ICoalesceOperation))
                {
                    stack.Push(child);
                }
            }
        }

        return false;
    }

    /// <summary><c>taken</c> passed by <c>ref</c> to the acquisition, or a test that the current thread holds this lock.</summary>
    private static bool SaysHeld(IOperation condition, IOperation acquire, LockIdentity identity, LockApi locks)
    {
        if (locks.TryGetHeldTest(condition, out var test))
        {
            return LockIdentity.TryCreate(test, out var tested) && tested.Equals(identity);
        }

        if (condition is not ILocalReferenceOperation { Local: var flag } || acquire is not IInvocationOperation invocation)
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Ref && argument.Value is ILocalReferenceOperation passed &&
                SymbolEqualityComparer.Default.Equals(passed.Local, flag))
            {
                return true;
            }
        }

        return false;
    }

    internal static string Describe(LockLeak leak)
    {
        var line = (leak.Site.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture);
        return leak.Kind switch
        {
            LockLeakKind.Exception => $"an exception from '{CodeText.Shorten(leak.Site.ToString())}' at line {line} leaves it held",
            LockLeakKind.Throw => $"the throw at line {line} leaves it held",
            LockLeakKind.Return => $"the return at line {line} leaves it held",
            _ => $"a path that leaves after line {line} never releases it",
        };
    }
}
