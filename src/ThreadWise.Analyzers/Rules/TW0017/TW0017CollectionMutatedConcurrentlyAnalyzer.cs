using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0017: a <c>List&lt;T&gt;</c>, <c>Dictionary</c>, <c>HashSet</c>… changed without a lock by a lambda that runs
/// concurrently: a <c>Parallel</c>/PLINQ/timer body, a task or thread started in a loop without waiting, a task body
/// while its starter changes the same collection, two <c>Parallel.Invoke</c> actions. Live: one method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0017CollectionMutatedConcurrentlyAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.CollectionMutatedConcurrently,
        title: "Non-thread-safe collection changed from code that runs concurrently",
        messageFormat: "'{0}' changes the {1} '{2}' from {3}, with no lock: a {1} is not thread-safe, so concurrent changes lose items, corrupt it or throw",
        RuleCategories.Race,
        DiagnosticSeverity.Warning,
        description: "List<T>, Dictionary<TKey,TValue>, HashSet<T>, Queue<T>, Stack<T> and the sorted and linked collections " +
                     "support one writer at a time. Changed from several threads at once they lose items, throw " +
                     "IndexOutOfRangeException or InvalidOperationException, or (Dictionary) loop forever. Take a lock around " +
                     "every change, give each thread its own collection, or use a System.Collections.Concurrent collection or PLINQ.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            if (!model.Collections.HasUnsafe)
            {
                return;
            }

            var waits = new BlockingWaits(start.Compilation, model);
            start.RegisterOperationAction(c => AnalyzeLaunch(c, model, waits), OperationKind.Invocation, OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => AnalyzeElapsed(c, model), OperationKind.EventAssignment);
        });
    }

    private static void AnalyzeLaunch(OperationAnalysisContext context, ThreadingModel model, BlockingWaits waits)
    {
        var launch = context.Operation;
        var launched = model.Launches.LaunchedDelegateValues(launch)
            .Select(l => (Lambda: OperationTree.DelegateTarget(l.Value) as IAnonymousFunctionOperation, l.Kind))
            .Where(l => l.Lambda is not null)
            .ToList();
        if (launched.Count == 0)
        {
            return;
        }

        var name = LaunchName(launch);
        if (launch is IInvocationOperation { TargetMethod.Name: "Invoke" } invoke && invoke.TargetMethod.ContainingType.Is(model.Launches.Parallel))
        {
            // Parallel.Invoke: each action runs once, the actions run at the same time as each other.
            var byPath = launched.SelectMany(l => Mutations(l.Lambda!, model).Select(m => (l.Lambda, m.Mutation, m.Collection, m.Path))).ToList();
            foreach (var mutation in byPath)
            {
                if (byPath.Any(other => other.Lambda != mutation.Lambda && other.Path.Equals(mutation.Path)))
                {
                    Report(context, mutation.Mutation, mutation.Collection, mutation.Path, "Parallel.Invoke actions that run at the same time");
                }
            }

            return;
        }

        foreach (var (lambda, kind) in launched)
        {
            string? story = null;
            ILoopOperation? loop = null;
            if (kind == LaunchKind.ConcurrentWithItself && (!MayOverlapItself(launch, model) || OneAtATime(launch)))
            {
                continue;
            }

            if (kind == LaunchKind.ConcurrentWithItself)
            {
                story = launch is IObjectCreationOperation
                    ? $"a {name} callback, which can run on several threads at once"
                    : $"a {name} body, which runs on several threads at once";
            }
            else if (!IsContinuation(launch) && !LaunchWaits.IsWaitedAtOnce(launch, waits) &&
                     EnclosingLoop(launch) is { } enclosing && !LaunchWaits.WaitsAfter(enclosing.Body, launch, waits))
            {
                loop = enclosing;
                story = $"a {name} body started in a loop without waiting, so the bodies run at the same time";
            }

            foreach (var (mutation, collection, path) in Mutations(lambda!, model))
            {
                if (story is not null && (loop is null || DeclaredOutside(path.Root, loop)))
                {
                    Report(context, mutation, collection, path, story);
                }
                else if (kind == LaunchKind.Once && !LaunchWaits.IsWaitedAtOnce(launch, waits) &&
                         StarterChangesItMeanwhile(launch, path, model, waits) is { } line)
                {
                    Report(context, mutation, collection, path, $"a {name} body while the code that started it changes it too (line {line})");
                }
            }
        }
    }

    /// <summary>
    /// A <c>System.Threading.Timer</c> callback overlaps itself only when the timer repeats: a one-shot timer
    /// (<c>Timeout.Infinite</c> period, or no period) runs its callback once per <c>Change</c>.
    /// </summary>
    private static bool MayOverlapItself(IOperation launch, ThreadingModel model)
    {
        if (launch is not IObjectCreationOperation creation || !creation.Type.Is(model.Launches.ThreadingTimer))
        {
            return true;
        }

        var period = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "period")?.Value;
        while (period is IConversionOperation { IsImplicit: true } conversion)
        {
            period = conversion.Operand;
        }

        return period switch
        {
            null => false,
            { ConstantValue: { HasValue: true, Value: var value } } => value is not (-1 or -1L or uint.MaxValue) && !Equals(value, 0) && !Equals(value, 0L) && !Equals(value, 0u),
            IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } => false,
            _ => true,
        };
    }

    /// <summary><c>new ParallelOptions { MaxDegreeOfParallelism = 1 }</c>: the body runs on one thread at a time.</summary>
    private static bool OneAtATime(IOperation launch) =>
        launch is IInvocationOperation invocation && invocation.Arguments.Any(a =>
            a.Value is IObjectCreationOperation { Initializer: { } initializer } &&
            initializer.Initializers.Any(i => i is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "MaxDegreeOfParallelism" }, Value.ConstantValue: { HasValue: true, Value: 1 } }));

    /// <summary><c>ContinueWith</c> in a loop usually chains (<c>t = t.ContinueWith(…)</c>): the bodies run one after another.</summary>
    private static bool IsContinuation(IOperation launch) => launch is IInvocationOperation { TargetMethod.Name: "ContinueWith" };

    /// <summary><c>timer.Elapsed += (s, e) =&gt; …</c>: <c>System.Timers.Timer</c> handlers run on the pool and may overlap.</summary>
    private static void AnalyzeElapsed(OperationAnalysisContext context, ThreadingModel model)
    {
        if (context.Operation is not IEventAssignmentOperation { Adds: true, EventReference: IEventReferenceOperation reference, HandlerValue: { } handler } ||
            !SymbolEqualityComparer.Default.Equals(reference.Event.OriginalDefinition, model.Launches.TimersTimerElapsed) ||
            OperationTree.DelegateTarget(handler) is not IAnonymousFunctionOperation lambda)
        {
            return;
        }

        foreach (var (mutation, collection, path) in Mutations(lambda, model))
        {
            Report(context, mutation, collection, path, "a Timer.Elapsed handler, which can run on several threads at once");
        }
    }

    /// <summary>
    /// The unlocked changes of a non-thread-safe collection in the lambda's own code (not nested lambdas), whose storage
    /// outlives one run of the lambda: a field (not <c>[ThreadStatic]</c>), or a local or parameter declared outside it.
    /// </summary>
    private static IEnumerable<(IOperation Mutation, IOperation Collection, AccessPath Path)> Mutations(IAnonymousFunctionOperation lambda, ThreadingModel model)
    {
        var stack = new Stack<IOperation>();
        stack.Push(lambda.Body);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (model.Collections.TryGetUnsafeMutation(operation, out var collection) &&
                AccessPath.Create(collection) is { } path &&
                IsShared(path.Root, lambda, model) &&
                !SharedLock.Holds(operation, model.Locks))
            {
                yield return (operation, collection, path);
            }

            foreach (var child in operation.ChildOperations.Reverse())
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }
    }

    private static bool IsShared(ISymbol root, IAnonymousFunctionOperation lambda, ThreadingModel model) => root switch
    {
        IFieldSymbol field => !field.GetAttributes().Any(a => a.AttributeClass.Is(model.Threads.ThreadStaticAttribute)),
        ILocalSymbol or IParameterSymbol => !IsDeclaredIn(root, lambda.Syntax),
        _ => false,
    };

    private static bool DeclaredOutside(ISymbol root, ILoopOperation loop) =>
        root is not (ILocalSymbol or IParameterSymbol) ||
        (!IsDeclaredIn(root, loop.Syntax) && !(loop is IForEachLoopOperation && loop.Locals.Contains(root as ILocalSymbol, SymbolEqualityComparer.Default)));

    private static bool IsDeclaredIn(ISymbol symbol, SyntaxNode node)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == node.SyntaxTree && node.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The innermost loop around the launch in the same body (not across a lambda).</summary>
    private static ILoopOperation? EnclosingLoop(IOperation launch)
    {
        for (var current = launch.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
                case ILoopOperation loop:
                    return loop;
            }
        }

        return null;
    }

    /// <summary>
    /// The line of an unlocked change of the same collection by the starting code, after the launch and before any
    /// wait (join, wait, await…) of the method; null when there is none.
    /// </summary>
    private static int? StarterChangesItMeanwhile(IOperation launch, AccessPath path, ThreadingModel model, BlockingWaits waits)
    {
        var root = OperationTree.Root(launch);
        var end = launch.Syntax.Span.End;
        var firstWait = int.MaxValue;
        var candidates = new List<IOperation>();
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation.Syntax.SpanStart >= end)
            {
                if (waits.IsWait(operation))
                {
                    firstWait = System.Math.Min(firstWait, operation.Syntax.SpanStart);
                }
                else if (model.Collections.TryGetUnsafeMutation(operation, out var collection) &&
                         path.Equals(AccessPath.Create(collection) ?? default) && !SharedLock.Holds(operation, model.Locks))
                {
                    candidates.Add(operation);
                }
            }

            foreach (var child in operation.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }

        var first = candidates.Where(c => c.Syntax.SpanStart < firstWait).OrderBy(c => c.Syntax.SpanStart).FirstOrDefault();
        return first?.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
    }

    private static void Report(OperationAnalysisContext context, IOperation mutation, IOperation collection, AccessPath path, string story)
    {
        var what = mutation is IInvocationOperation call ? call.TargetMethod.Name : "this[] =";
        var type = collection.Type is INamedTypeSymbol named ? named.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) : "collection";
        context.ReportDiagnostic(Diagnostic.Create(Rule, mutation.Syntax.GetLocation(), what, type, path.Display, story));
    }

    private static string LaunchName(IOperation launch) => launch switch
    {
        IObjectCreationOperation creation => creation.Type?.Name ?? "thread",
        IInvocationOperation invocation => invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name,
        _ => "thread",
    };
}
