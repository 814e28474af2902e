using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Flow;

/// <summary>How a path leaves a body while a lock is still held.</summary>
internal enum LockLeakKind
{
    /// <summary>An operation that can throw (a call, an await, an allocation…) with no <c>finally</c> that releases.</summary>
    Exception,

    /// <summary>A <c>throw</c> statement or expression (or a rethrow).</summary>
    Throw,

    /// <summary>A <c>return</c> with a value reached without the release.</summary>
    Return,

    /// <summary>A <c>return</c>, <c>break</c>, <c>goto</c> or the end of the body reached without the release.</summary>
    Exit,
}

/// <summary>One way out of the body with the lock held, and the code where it happens.</summary>
internal readonly struct LockLeak
{
    public LockLeak(LockLeakKind kind, SyntaxNode site)
    {
        Kind = kind;
        Site = site;
    }

    public LockLeakKind Kind { get; }

    public SyntaxNode Site { get; }
}

/// <summary>
/// Follows every path of one executable body from a lock acquisition while the lock is held: a release of the same
/// lock ends a path, a <c>finally</c> that releases it covers every path through it, and a path that reaches the exit
/// of the body (normally or by an exception) with the lock still held is a leak. Paths that branch on the acquisition's
/// result (<c>if (Monitor.TryEnter(o))</c>, <c>if (taken)</c>) follow only the side where the lock is held.
/// </summary>
internal sealed class HeldLockPaths
{
    private readonly ControlFlowGraph _graph;
    private readonly LockIdentity _lock;
    private readonly LockRegionFacts _facts;
    private readonly HeldLockConditions _conditions;
    private readonly LockHandOffs _handOffs;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<ControlFlowRegion, bool> _finallyReleases = new();
    private readonly Queue<(BasicBlock Block, SyntaxNode? Last, long? Count)> _work = new();
    private readonly HashSet<(int Ordinal, long? Count)> _visited = new();
    private readonly int[] _visits;
    private readonly List<LockLeak> _leaks = new();
    private readonly List<(BasicBlock Block, int Index)> _releases = new();
    private bool _releasedByNormalFinally;
    private bool _finallyMayRelease;
    private readonly List<IOperation> _heldReturns = new();
    private readonly List<IOperation?> _releasedReturns = new();

    private HeldLockPaths(ControlFlowGraph graph, LockIdentity lockIdentity, LockRegionFacts facts, AccessPath? flag, CancellationToken cancellationToken)
    {
        _graph = graph;
        _lock = lockIdentity;
        _facts = facts;
        _conditions = new HeldLockConditions(lockIdentity, facts.Locks);
        _handOffs = new LockHandOffs(graph, lockIdentity, facts, cancellationToken);
        if (flag is { IsDefault: false })
        {
            // The lock is held only when the try-acquire's flag is true.
            _conditions.AddFlag(flag.Value);
        }

        _cancellationToken = cancellationToken;
        _visits = new int[graph.Blocks.Length];
    }

    /// <summary>
    /// The earliest leak of the lock acquired by <paramref name="acquireSyntax"/>, or null when every path releases it,
    /// when the body never releases it on a path that then completes normally (a hand-off: the lock is released
    /// elsewhere), or when it cannot tell whether the lock is held (a try-acquire whose result is ignored).
    /// </summary>
    public static LockLeak? FindLeak(
        ControlFlowGraph graph,
        SyntaxNode acquireSyntax,
        LockAction action,
        LockIdentity lockIdentity,
        LockRegionFacts facts,
        CancellationToken cancellationToken)
    {
        if (!TryLocate(graph, acquireSyntax, out var block, out var index, out var invocation))
        {
            return null;
        }

        AccessPath? flag = null;
        CaptureId? captureFlag = null;
        bool? heldWhenTrue = null;
        var operations = block.Operations;
        if (action.Kind == LockActionKind.TryAcquire)
        {
            if (index == operations.Length)
            {
                // if (Monitor.TryEnter(o)) / if (!await sem.WaitAsync(t)): only one side of the branch holds the lock.
                if (!IsResultOf(block.BranchValue, invocation, facts, out var negated))
                {
                    return null;
                }

                heldWhenTrue = !negated;
            }
            else if (RefFlag(invocation) is { } refFlag)
            {
                flag = AccessPath.Create(refFlag);
            }
            else if (operations[index] is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment &&
                     IsResultOf(assignment.Value, invocation, facts, out var negatedValue) && !negatedValue)
            {
                flag = AccessPath.Create(target);
            }
            else if (operations[index] is IFlowCaptureOperation { Id: var id } capture &&
                     IsResultOf(capture.Value, invocation, facts, out var negatedCapture) && !negatedCapture)
            {
                // switch (Monitor.TryEnter(o)) { case true: … }: the cases test the captured result. And
                // `var taken = async ? await s.WaitAsync(t) : s.Wait(t);`: each branch captures its result, then the
                // capture is stored in a local that the code tests (`if (!taken) throw …`): that local is the flag.
                captureFlag = id;
                flag = LocalAssignedOnlyFrom(graph, id);
            }
            else
            {
                return null;
            }
        }

        var search = new HeldLockPaths(graph, lockIdentity, facts, flag, cancellationToken);
        search._conditions.CaptureFlag = captureFlag;
        search.AddGuardOf(block, trackCounter: true);
        search.Run(block, index, heldWhenTrue, invocation.Syntax);
        if (search._leaks.Count > 0 && search._conditions.Counter is not null && !search.ReleasesBeforeNormalCompletion())
        {
            // The counter made every release unreachable (if (i == 5) Exit in a loop of three): that is not a hand-off,
            // so judge the body as if the counter were not known.
            search = new HeldLockPaths(graph, lockIdentity, facts, flag, cancellationToken);
            search._conditions.CaptureFlag = captureFlag;
            search.AddGuardOf(block, trackCounter: false);
            search.Run(block, index, heldWhenTrue, invocation.Syntax);
        }

        if (search._leaks.Count == 0 || !search.ReleasesBeforeNormalCompletion())
        {
            return null;
        }

        if (search.ReturnsTheHeldLockOnSuccess())
        {
            // A try-acquire helper: returning true (or a handle) with the lock held is the point, not a leak.
            search._leaks.RemoveAll(l => l.Kind is LockLeakKind.Return);
            if (search._leaks.Count == 0)
            {
                return null;
            }
        }

        var first = search._leaks[0];
        foreach (var leak in search._leaks)
        {
            if (leak.Site.SpanStart < first.Site.SpanStart)
            {
                first = leak;
            }
        }

        return first;
    }

    private void Run(BasicBlock start, int index, bool? heldWhenTrue, SyntaxNode acquireSite)
    {
        var count = _conditions.InitialCount;
        if (heldWhenTrue is { } whenTrue)
        {
            // The acquisition is the branch condition: follow the successor where it succeeded.
            var held = (start.ConditionKind == ControlFlowConditionKind.WhenTrue) == whenTrue
                ? start.ConditionalSuccessor
                : start.FallThroughSuccessor;
            Follow(start, held, acquireSite, count);
        }
        else
        {
            ScanFrom(start, index + 1, acquireSite, count);
        }

        while (_work.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var (block, last, blockCount) = _work.Dequeue();
            ScanFrom(block, 0, last, blockCount);
        }
    }

    /// <summary>Visits a block once per known counter value (a loop run at fixed iterations), a few times at most.</summary>
    private void Enqueue(BasicBlock block, SyntaxNode? last, long? count)
    {
        if (count is not null && ++_visits[block.Ordinal] > MaxVisitsPerBlock)
        {
            count = null;
        }

        if (_visited.Add((block.Ordinal, count)))
        {
            _work.Enqueue((block, last, count));
        }
    }

    private const int MaxVisitsPerBlock = 64;

    /// <summary>Scans the block's operations from <paramref name="index"/> with the lock held, then its branches.</summary>
    private void ScanFrom(BasicBlock block, int index, SyntaxNode? last, long? count)
    {
        var operations = block.Operations;
        for (var i = index; i <= operations.Length; i++)
        {
            var operation = i < operations.Length ? operations[i] : block.BranchValue;
            if (operation is null)
            {
                continue;
            }

            // throw new InvalidOperationException(…): creating the exception is part of the throw, not an exception of its own.
            var thrown = i == operations.Length && block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Throw
                ? ThrownCreation(operation)
                : null;
            var throwSite = FirstThrowSiteBeforeRelease(operation, thrown, out var released);
            if (throwSite is not null)
            {
                PropagateException(block.EnclosingRegion, new LockLeak(LockLeakKind.Exception, throwSite), thrownType: null);
            }

            if (released)
            {
                _releases.Add((block, i));
                return;
            }

            count = _conditions.Step(operation, count);
            last = operation.Syntax;
        }

        if (_conditions.TryEvaluate(block.BranchValue, count, out var value))
        {
            // if (taken) … / if (useLock) … / if (!rw.IsReadLockHeld) return; / if (i == 2) …: the other side does not run while the lock is held.
            var held = (block.ConditionKind == ControlFlowConditionKind.WhenTrue) == value
                ? block.ConditionalSuccessor
                : block.FallThroughSuccessor;
            Follow(block, held, last, count);
            return;
        }

        Follow(block, block.FallThroughSuccessor, last, count);
        Follow(block, block.ConditionalSuccessor, last, count);
    }

    /// <summary>The exception object created by a <c>throw</c> (<c>throw new ArgumentException(…)</c>), when its constructor is the library's.</summary>
    private IObjectCreationOperation? ThrownCreation(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation is IObjectCreationOperation { Constructor: { } constructor } creation &&
               creation.Type.InheritsFromOrEquals(_facts.Exception) && constructor.Locations.Length > 0 && constructor.Locations[0].IsInMetadata
            ? creation
            : null;
    }

    /// <summary>The static type of the exception a <c>throw</c> raises (its runtime type derives from it); null for a rethrow.</summary>
    private static ITypeSymbol? ThrownType(BasicBlock from, ControlFlowBranch branch)
    {
        if (branch.Semantics != ControlFlowBranchSemantics.Throw || from.BranchValue is not { } value)
        {
            return null;
        }

        while (value is IConversionOperation { IsImplicit: true } conversion)
        {
            value = conversion.Operand;
        }

        return value.Type;
    }

    private void Follow(BasicBlock from, ControlFlowBranch? branch, SyntaxNode? last, long? count)
    {
        if (branch is null)
        {
            return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Throw:
            case ControlFlowBranchSemantics.Rethrow:
                var site = from.BranchValue?.Syntax.Parent ?? from.BranchValue?.Syntax ?? last;
                if (site is not null)
                {
                    PropagateException(from.EnclosingRegion, new LockLeak(LockLeakKind.Throw, site), ThrownType(from, branch));
                }

                return;
            case ControlFlowBranchSemantics.Regular:
            case ControlFlowBranchSemantics.Return:
                foreach (var finallyRegion in branch.FinallyRegions)
                {
                    if (FinallyReleases(finallyRegion))
                    {
                        _releasedByNormalFinally = true;
                        return;
                    }
                }

                if (branch.Destination is not { } destination)
                {
                    return;
                }

                if (destination.Kind == BasicBlockKind.Exit)
                {
                    if (branch.Semantics == ControlFlowBranchSemantics.Return && from.BranchValue?.Syntax.Parent is { } returnStatement &&
                        returnStatement.RawKind == (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.ReturnStatement)
                    {
                        _leaks.Add(new LockLeak(LockLeakKind.Return, returnStatement));
                        _heldReturns.Add(from.BranchValue!);
                    }
                    else if (last is not null)
                    {
                        _leaks.Add(new LockLeak(LockLeakKind.Exit, last));
                    }

                    return;
                }

                Enqueue(destination, last, count);
                return;
            default:
                // The end of a finally or catch handler, an error or a program termination: nothing known to follow.
                return;
        }
    }

    /// <summary>An exception raised in <paramref name="region"/> with the lock held: a releasing finally covers it,
    /// catch handlers continue with the lock held, and one that escapes the body is a leak.</summary>
    private void PropagateException(ControlFlowRegion? region, LockLeak leak, ITypeSymbol? thrownType)
    {
        for (var current = region; current is not null; current = current.EnclosingRegion)
        {
            if (current.Kind != ControlFlowRegionKind.Try || current.EnclosingRegion is not { } parent)
            {
                continue;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndFinally && parent.NestedRegions.Length > 1)
            {
                if (FinallyReleases(parent.NestedRegions[1]))
                {
                    return;
                }
            }
            else if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                var catchesAll = false;
                for (var i = 1; i < parent.NestedRegions.Length && !catchesAll; i++)
                {
                    // The counter is not followed into a handler: the exception may come from any point of the try.
                    var handler = parent.NestedRegions[i];
                    Enqueue(_graph.Blocks[handler.FirstBlockOrdinal], leak.Site, null);
                    catchesAll |= handler.Kind == ControlFlowRegionKind.Catch &&
                                  (IsCatchAll(handler.ExceptionType) || (thrownType is not null && thrownType.InheritsFromOrEquals(handler.ExceptionType as INamedTypeSymbol)));
                }

                if (catchesAll)
                {
                    return;
                }
            }
        }

        _leaks.Add(leak);
    }

    private bool IsCatchAll(ITypeSymbol? type) =>
        type is null || type.SpecialType == SpecialType.System_Object || type.Is(_facts.Exception);

    /// <summary>
    /// True when every path through the finally region releases the lock (<c>finally { Monitor.Exit(o); }</c>, or
    /// <c>finally { if (taken) Monitor.Exit(o); }</c> when <c>taken</c> says whether it is held); a release under a
    /// condition that says nothing about the lock (<c>if (flag)</c>) does not cover the paths that skip it.
    /// </summary>
    private bool FinallyReleases(ControlFlowRegion finallyRegion)
    {
        if (_finallyReleases.TryGetValue(finallyRegion, out var releases))
        {
            return releases;
        }

        releases = true;
        var seen = new HashSet<int>();
        var work = new Stack<BasicBlock>();
        work.Push(_graph.Blocks[finallyRegion.FirstBlockOrdinal]);
        while (work.Count > 0)
        {
            var block = work.Pop();
            if (!seen.Add(block.Ordinal))
            {
                continue;
            }

            var released = false;
            foreach (var operation in ControlFlowGraphs.OperationsOf(block))
            {
                FirstThrowSiteBeforeRelease(operation, exempt: null, out released);
                if (released)
                {
                    break;
                }
            }

            if (released)
            {
                // Released on some path through it: the body does release the lock it took (no hand-off).
                _finallyMayRelease = true;
                continue;
            }

            var successors = new List<ControlFlowBranch?>();
            if (_conditions.TryEvaluate(block.BranchValue, null, out var value))
            {
                successors.Add((block.ConditionKind == ControlFlowConditionKind.WhenTrue) == value ? block.ConditionalSuccessor : block.FallThroughSuccessor);
            }
            else
            {
                successors.Add(block.FallThroughSuccessor);
                successors.Add(block.ConditionalSuccessor);
            }

            foreach (var branch in successors)
            {
                if (branch is null)
                {
                    continue;
                }

                if (branch.Destination is { } next && next.Ordinal >= finallyRegion.FirstBlockOrdinal && next.Ordinal <= finallyRegion.LastBlockOrdinal)
                {
                    work.Push(next);
                }
                else if (branch.Semantics is ControlFlowBranchSemantics.StructuredExceptionHandling or ControlFlowBranchSemantics.Regular)
                {
                    // The end of the finally reached without a release.
                    releases = false;
                }
            }
        }

        _finallyReleases[finallyRegion] = releases;
        return releases;
    }

    /// <summary>
    /// True when a release was reached on a path that then leaves the body normally: the body releases the lock it
    /// took. A body whose only releases are followed by a throw (<c>EnterWriteLock(); if (_disposed) { ExitWriteLock(); throw …; }</c>)
    /// hands the held lock to its caller on purpose.
    /// </summary>
    private bool ReleasesBeforeNormalCompletion()
    {
        var completes = _releasedByNormalFinally || _finallyMayRelease;
        if (_releasedByNormalFinally)
        {
            _releasedReturns.Add(null);
        }

        var seen = new bool[_graph.Blocks.Length];
        var work = new Queue<BasicBlock>();
        foreach (var (block, _) in _releases)
        {
            if (!seen[block.Ordinal])
            {
                seen[block.Ordinal] = true;
                work.Enqueue(block);
            }
        }

        while (work.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var block = work.Dequeue();
            foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
            {
                if (branch?.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling &&
                    block.EnclosingRegion.Kind == ControlFlowRegionKind.Finally)
                {
                    // The end of a finally: the flow goes on after the try statement (or the exception goes on).
                    completes = true;
                    _releasedReturns.Add(null);
                    continue;
                }

                if (branch is null || branch.Semantics is not (ControlFlowBranchSemantics.Regular or ControlFlowBranchSemantics.Return) ||
                    branch.Destination is not { } destination)
                {
                    continue;
                }

                if (destination.Kind == BasicBlockKind.Exit)
                {
                    completes = true;
                    _releasedReturns.Add(branch.Semantics == ControlFlowBranchSemantics.Return ? block.BranchValue : null);
                    continue;
                }

                if (!seen[destination.Ordinal])
                {
                    seen[destination.Ordinal] = true;
                    work.Enqueue(destination);
                }
            }
        }

        return completes;
    }

    /// <summary>
    /// True for the try-acquire helper shape: every path that returns with the lock held returns a success value
    /// (<c>true</c>, a handle), and every path that released it returns failure (<c>false</c>, <c>null</c>, <c>default</c>).
    /// <c>if (!_gate.Wait(t)) return false; if (_owner != null) { _gate.Release(); return false; } _owner = me; return true;</c>
    /// </summary>
    private bool ReturnsTheHeldLockOnSuccess()
    {
        if (_heldReturns.Count == 0 || _releasedReturns.Count == 0 || _leaks.Exists(l => l.Kind == LockLeakKind.Exit))
        {
            return false;
        }

        foreach (var value in _releasedReturns)
        {
            if (value is null || !IsFailureValue(value))
            {
                return false;
            }
        }

        foreach (var value in _heldReturns)
        {
            if (IsFailureValue(value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFailureValue(IOperation value)
    {
        value = OperationTree.WithoutImplicitConversions(value);
        return value is IDefaultValueOperation ||
               (value.ConstantValue is { HasValue: true } constant && (constant.Value is null || constant.Value is false));
    }

    /// <summary>
    /// The local that <paramref name="capture"/> is stored into, when that is the only write of the local in the body
    /// (so the local is true exactly when the captured try-acquire succeeded); null otherwise.
    /// </summary>
    private static AccessPath? LocalAssignedOnlyFrom(ControlFlowGraph graph, CaptureId capture)
    {
        ILocalSymbol? local = null;
        ILocalReferenceOperation? target = null;
        foreach (var block in graph.Blocks)
        {
            foreach (var statement in ControlFlowGraphs.OperationsOf(block))
            {
                foreach (var operation in ControlFlowGraphs.SelfAndDescendantsInOrder(statement))
                {
                    if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned, Value: var value } &&
                        OperationTree.WithoutImplicitConversions(value) is IFlowCaptureReferenceOperation reference && reference.Id.Equals(capture))
                    {
                        if (local is not null)
                        {
                            return null;
                        }

                        local = assigned.Local;
                        target = assigned;
                    }
                }
            }
        }

        if (local is null || target is null)
        {
            return null;
        }

        // Any other write (assignment, ++, compound, ref/out, deconstruction, a lambda) makes it not a pure flag.
        foreach (var block in graph.Blocks)
        {
            foreach (var statement in ControlFlowGraphs.OperationsOf(block))
            {
                foreach (var operation in statement.DescendantsAndSelf())
                {
                    if (operation is ILocalReferenceOperation use && use != target &&
                        SymbolEqualityComparer.Default.Equals(use.Local, local) && IsWritten(use))
                    {
                        return null;
                    }

                    if (operation is IFlowAnonymousFunctionOperation)
                    {
                        return null;
                    }
                }
            }
        }

        return AccessPath.Create(target);

        static bool IsWritten(ILocalReferenceOperation use) => use.Parent switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target == use,
            ICompoundAssignmentOperation compound => compound.Target == use,
            IIncrementOrDecrementOperation => true,
            IArgumentOperation { Parameter.RefKind: not RefKind.None } => true,
            ITupleOperation or IDeconstructionAssignmentOperation => true,
            _ => false,
        };
    }

    /// <summary>
    /// The first operation in <paramref name="operation"/> (in evaluation order) that can throw, stopping at a release
    /// of the lock (<paramref name="released"/>). Lambdas are opaque: their bodies do not run here.
    /// </summary>
    private SyntaxNode? FirstThrowSiteBeforeRelease(IOperation operation, IOperation? exempt, out bool released)
    {
        released = false;
        SyntaxNode? site = null;
        foreach (var current in ControlFlowGraphs.SelfAndDescendantsInOrder(operation))
        {
            if (current is IInvocationOperation invocation &&
                (_lock.IsReleasedBy(invocation, _facts.Locks) || _conditions.IsBenaphoreRelease(invocation) || _handOffs.IsHandOff(invocation)))
            {
                released = true;
                return site;
            }

            if (site is null && current != exempt && _facts.CanThrow(current, _graph.OriginalOperation.SemanticModel))
            {
                site = current.Syntax;
            }
        }

        return site;
    }

    /// <summary>
    /// When the acquisition runs only on one side of a test (<c>if (useLock) Monitor.Enter(o);</c>, <c>if (m != null) m.WaitOne();</c>,
    /// <c>if (i == 0) …</c>), the same test later has a known value while the lock is held.
    /// </summary>
    private void AddGuardOf(BasicBlock block, bool trackCounter)
    {
        if (block.Predecessors.Length != 1 || block.Predecessors[0] is not { Source: { } source } branch || source.BranchValue is null)
        {
            return;
        }

        var whenTrue = branch.IsConditionalSuccessor == (source.ConditionKind == ControlFlowConditionKind.WhenTrue);
        _conditions.AddGuard(source.BranchValue, whenTrue, trackCounter, _graph.OriginalOperation.SemanticModel);
    }

    /// <summary>A boolean local, field or chain tested in a condition (<c>flag</c>, <c>!flag</c>), for callers that track flags.</summary>
    internal static bool TryGetCondition(IOperation? condition, out AccessPath path, out bool negated)
    {
        negated = false;
        while (condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
        {
            negated = !negated;
            condition = not.Operand;
        }

        path = default;
        return condition?.Type?.SpecialType == SpecialType.System_Boolean && AccessPath.TryCreate(condition, out path);
    }

    internal static bool TryLocate(ControlFlowGraph graph, SyntaxNode acquireSyntax, out BasicBlock block, out int index, out IOperation invocation)
    {
        foreach (var candidate in graph.Blocks)
        {
            if (!candidate.IsReachable)
            {
                continue;
            }

            var operations = candidate.Operations;
            for (var i = 0; i <= operations.Length; i++)
            {
                var operation = i < operations.Length ? operations[i] : candidate.BranchValue;
                if (operation is null || !operation.Syntax.Span.Contains(acquireSyntax.Span))
                {
                    continue;
                }

                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    if (descendant is IInvocationOperation or IObjectCreationOperation && descendant.Syntax == acquireSyntax)
                    {
                        block = candidate;
                        index = i;
                        invocation = descendant;
                        return true;
                    }
                }
            }
        }

        block = null!;
        index = -1;
        invocation = null!;
        return false;
    }

    /// <summary>True when <paramref name="value"/> is the result of <paramref name="invocation"/> (awaited, converted or negated).</summary>
    internal static bool IsResultOf(IOperation? value, IOperation invocation, LockRegionFacts facts, out bool negated)
    {
        negated = false;
        while (true)
        {
            switch (value)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    negated = !negated;
                    value = not.Operand;
                    continue;
                case IAwaitOperation await:
                    value = await.Operation;
                    continue;
                case IConversionOperation { IsImplicit: true } conversion:
                    value = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    value = parenthesized.Operand;
                    continue;
                case IInvocationOperation found when found != invocation && found.Instance is { } task && facts.IsConfigureAwait(found):
                    value = task;
                    continue;
                case IInvocationOperation found:
                    return found == invocation;
                default:
                    return false;
            }
        }
    }

    /// <summary>The local passed as <c>ref bool taken</c> (<c>Monitor.Enter(o, ref taken)</c>, <c>spin.Enter(ref taken)</c>) or <c>out bool createdNew</c>.</summary>
    internal static IOperation? RefFlag(IOperation acquire)
    {
        var arguments = acquire switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => default,
        };
        foreach (var argument in arguments.IsDefault ? System.Collections.Immutable.ImmutableArray<IArgumentOperation>.Empty : arguments)
        {
            // Monitor.Enter(o, ref taken); new Mutex(true, name, out createdNew): owned only when the mutex was created.
            var value = argument.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : argument.Value;
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out && value is ILocalReferenceOperation local &&
                local.Type?.SpecialType == SpecialType.System_Boolean)
            {
                return local;
            }
        }

        return null;
    }
}
