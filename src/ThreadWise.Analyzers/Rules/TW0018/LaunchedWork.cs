using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0018: one lambda (or method of this file, named as a method group on <c>this</c> or static) a body starts on
/// another thread: when it starts running (the launch itself, or the <c>Start()</c> of the thread or cold task it was
/// created into), the handle the starter can wait on, and the storage its code writes.
/// </summary>
internal sealed class LaunchedWork
{
    private LaunchedWork(int index, IOperation launch, AccessPath? handle, Dictionary<AccessPath, bool> writes)
    {
        Index = index;
        Launch = launch;
        Handle = handle;
        Writes = writes;
    }

    public int Index { get; }

    public ulong Bit => 1UL << (Index < 63 ? Index : 63);

    /// <summary>The launching call or creation (in the starter's graph).</summary>
    public IOperation Launch { get; }

    /// <summary>The thread or task variable it was stored in, if any.</summary>
    public AccessPath? Handle { get; }

    /// <summary>The storage the lambda writes (fields, and locals or parameters declared outside it), and whether every write holds a lock.</summary>
    public Dictionary<AccessPath, bool> Writes { get; }

    /// <summary>Where the work starts running: the launch, or the <c>Start()</c> call of its thread or cold task (null when none is seen).</summary>
    public SyntaxNode? StartSyntax { get; private set; }

    public int StartLine => (StartSyntax ?? Launch.Syntax).GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The works started in <paramref name="graph"/>'s own code that write something a reader could race with.</summary>
    public static List<LaunchedWork> Find(ControlFlowGraph graph, ThreadingModel model, CancellationToken cancellationToken)
    {
        var result = new List<LaunchedWork>();
        var captures = FlowCaptures.Of(graph);
        var operations = graph.Blocks.SelectMany(block => ControlFlowGraphs.OperationsInOrder(graph, block)).ToList();
        foreach (var operation in operations)
        {
            foreach (var (value, kind) in model.Launches.LaunchedDelegateValues(operation))
            {
                if (kind is LaunchKind.ConcurrentWithItself ||
                    (operation is IInvocationOperation call && model.Tasks.ContinueWithMethods.ContainsMethod(call.TargetMethod)) ||
                    Body(graph, OperationTree.DelegateTarget(value), cancellationToken) is not { } body)
                {
                    continue;
                }

                var writes = WritesOf(body, model);
                if (writes.Count == 0)
                {
                    continue;
                }

                var handle = HandleOf(operation, operations, captures);
                var work = new LaunchedWork(result.Count, operation, handle, writes);
                work.StartSyntax = kind == LaunchKind.Once ? operation.Syntax : FindStart(operation, handle, operations, captures, model);
                if (work.StartSyntax is not null)
                {
                    result.Add(work);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The code that runs: a lambda's, or the body of a method named as a method group on <c>this</c> (or static) and
    /// declared in this file (the story stays in one document, which the editor analyzes alone).
    /// </summary>
    private static IOperation? Body(ControlFlowGraph graph, IOperation value, CancellationToken cancellationToken) =>
        value is IFlowAnonymousFunctionOperation lambda
            ? graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken).OriginalOperation
            : Body(value, graph.OriginalOperation.SemanticModel, cancellationToken);

    private static IOperation? Body(IOperation value, SemanticModel? model, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case IAnonymousFunctionOperation lambda:
                return lambda;
            case IMethodReferenceOperation { Instance: null or IInstanceReferenceOperation, Method: { MethodKind: MethodKind.Ordinary } method }
                when method.DeclaringSyntaxReferences.Length == 1 && model is not null &&
                     method.DeclaringSyntaxReferences[0].SyntaxTree == model.SyntaxTree:
                return model.GetOperation(method.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken), cancellationToken);
            default:
                return null;
        }
    }

    /// <summary>
    /// On the operation tree, before any graph is built: a delegate a launching call receives whose code writes
    /// storage a starter could read.
    /// </summary>
    public static bool WritesShared(IOperation launchedValue, ThreadingModel model, CancellationToken cancellationToken) =>
        Body(OperationTree.DelegateTarget(launchedValue), launchedValue.SemanticModel, cancellationToken) is { } body && WritesOf(body, model).Count > 0;

    /// <summary><c>var t = new Thread(…)</c>, <c>_task = Task.Run(…)</c>: the path the new thread or task is stored in.</summary>
    private static AccessPath? HandleOf(IOperation launch, List<IOperation> operations, FlowCaptures captures)
    {
        foreach (var operation in operations)
        {
            if (operation is ISimpleAssignmentOperation assignment && captures.Resolve(assignment.Value) is { } value &&
                StartApi.Unwrap(value)?.Syntax == launch.Syntax)
            {
                return AccessPath.Create(assignment.Target);
            }
        }

        return null;
    }

    /// <summary>The <c>Start()</c> of a thread or cold task: called on the creation itself or on the path it was stored in.</summary>
    private static SyntaxNode? FindStart(IOperation creation, AccessPath? handle, List<IOperation> operations, FlowCaptures captures, ThreadingModel model)
    {
        foreach (var operation in operations)
        {
            if (operation is IInvocationOperation { Instance: { } instance } start &&
                (model.Threads.StartMethods.ContainsMethod(start.TargetMethod) || model.Tasks.StartMethods.ContainsMethod(start.TargetMethod)))
            {
                var receiver = StartApi.Unwrap(captures.Resolve(instance));
                if (receiver?.Syntax == creation.Syntax || (handle is { } path && AccessPath.Create(receiver) is { } started && started.Equals(path)))
                {
                    return start.Syntax;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The storage the work's code (nested lambdas included: they run on its thread or later, never in step with the
    /// starter) assigns, updates or passes by <c>ref</c>/<c>out</c>: fields other than <c>[ThreadStatic]</c> ones, and
    /// locals or parameters declared outside it. The flag says whether every write of it holds a lock.
    /// </summary>
    private static Dictionary<AccessPath, bool> WritesOf(IOperation body, ThreadingModel model)
    {
        var writes = new Dictionary<AccessPath, bool>();
        foreach (var operation in body.Descendants())
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target is IDeclarationExpressionOperation or null || AccessPath.Create(target) is not { } path || !IsShared(path.Root, body, model))
            {
                continue;
            }

            var locked = SharedLock.Holds(operation, model.Locks);
            writes[path] = (!writes.TryGetValue(path, out var before) || before) && locked;
        }

        return writes;
    }

    private static bool IsShared(ISymbol root, IOperation body, ThreadingModel model) => root switch
    {
        IFieldSymbol field => !field.IsConst && !field.GetAttributes().Any(a => a.AttributeClass.Is(model.Threads.ThreadStaticAttribute)),
        ILocalSymbol or IParameterSymbol => !root.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == body.Syntax.SyntaxTree && body.Syntax.Span.Contains(r.Span)),
        _ => false,
    };
}
