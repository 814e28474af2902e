using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Which bodies consume a completable collection until it is completed (a consumer that only stops when the producer
/// side says "no more work": <c>foreach</c> over <c>GetConsumingEnumerable()</c>, <c>await foreach</c> over
/// <c>ReadAllAsync()</c>, <c>while (await reader.WaitToReadAsync())</c>, <c>while (true) { q.Take(); }</c>, with no
/// <c>break</c>, <c>return</c> or cancellation token), and which methods may complete one. Method summaries are cached per
/// compilation, keyed by symbol; a method is read only when its body is in the tree being analyzed (the analyzer asks
/// for no other semantic model), and is otherwise treated as unknown (conservatively: it may complete what it is given).
/// </summary>
internal sealed class ConsumerLoops
{
    private readonly CompletionApi _api;
    private readonly LaunchApi _launches;
    private readonly ConcurrentDictionary<IMethodSymbol, Summary> _summaries = new(SymbolEqualityComparer.Default);

    private readonly INamedTypeSymbol? _task;
    private readonly ConcurrentDictionary<INamedTypeSymbol, IReadOnlyDictionary<AccessPath, ImmutableHashSet<AccessPath>>> _fieldHolders =
        new(SymbolEqualityComparer.Default);

    public ConsumerLoops(CompletionApi api, LaunchApi launches, TaskApi tasks)
    {
        _api = api;
        _launches = launches;
        _task = tasks.Task;
    }

    /// <summary>What one method does, in terms of its parameters, fields and (for local functions) captured locals.</summary>
    private sealed class Summary
    {
        public Summary(ImmutableArray<AccessPath> consumed, ImmutableArray<AccessPath> mayComplete, bool completesUnknown)
        {
            Consumed = consumed;
            MayComplete = mayComplete;
            CompletesUnknown = completesUnknown;
        }

        public ImmutableArray<AccessPath> Consumed { get; }

        public ImmutableArray<AccessPath> MayComplete { get; }

        /// <summary>The method calls other code of this program (which may complete anything it can reach).</summary>
        public bool CompletesUnknown { get; }
    }

    /// <summary>The completables consumed until completion by the delegates a launching call (<c>Task.Run</c>, <c>new Thread</c>…) starts.</summary>
    public ImmutableHashSet<AccessPath> ConsumedByLaunch(IOperation launch, SemanticModel model, CancellationToken cancellationToken)
    {
        var result = ImmutableHashSet<AccessPath>.Empty;
        foreach (var (argument, _) in _launches.LaunchedDelegates(launch))
        {
            var value = Strip(argument.Value);
            if (value is IDelegateCreationOperation creation)
            {
                value = creation.Target;
            }

            // Only Task.Run waits for an async body; a thread, StartNew or a cold task ends at the body's first await.
            if (IsAsync(value) && !UnwrapsAsyncBody(launch, argument))
            {
                continue;
            }

            switch (value)
            {
                case IAnonymousFunctionOperation lambda:
                    result = result.Union(ConsumedByBody(lambda.Body, model, cancellationToken));
                    break;
                case IMethodReferenceOperation reference:
                    if (GetSummary(reference.Method, model, cancellationToken) is { } summary)
                    {
                        result = result.Union(Map(summary.Consumed, reference.Method, null, IsThisOrStatic(reference.Instance, reference.Method)));
                    }

                    break;
            }
        }

        return result;
    }

    /// <summary>The fields of a type that hold consumer tasks (see <see cref="ConsumerTasks"/>), computed once per type.</summary>
    public IReadOnlyDictionary<AccessPath, ImmutableHashSet<AccessPath>> FieldHolders(
        INamedTypeSymbol type, System.Func<IReadOnlyDictionary<AccessPath, ImmutableHashSet<AccessPath>>> compute) =>
        _fieldHolders.TryGetValue(type, out var cached) ? cached : _fieldHolders.GetOrAdd(type, compute());

    private static bool IsAsync(IOperation value) => value switch
    {
        IAnonymousFunctionOperation lambda => lambda.Symbol.IsAsync,
        IMethodReferenceOperation reference => reference.Method.IsAsync,
        _ => false,
    };

    /// <summary><c>Task.Run(Func&lt;Task&gt;)</c> returns a proxy for the async body's task; every other launch does not.</summary>
    private bool UnwrapsAsyncBody(IOperation launch, IArgumentOperation argument) =>
        launch is IInvocationOperation { TargetMethod: { IsStatic: true } method } &&
        method.ContainingType.Is(_task) &&
        argument.Parameter?.Type is INamedTypeSymbol { DelegateInvokeMethod.ReturnsVoid: false };

    /// <summary>
    /// The completables a call of user code may complete, mapped to the caller's names; <paramref name="unknown"/> is
    /// true when the callee cannot be read (then everything passed to it, and the caller's fields, may be completed).
    /// </summary>
    public ImmutableArray<AccessPath> MayCompleteByCall(IInvocationOperation call, SemanticModel model, out bool unknown, CancellationToken cancellationToken)
    {
        unknown = false;
        var method = call.TargetMethod;
        if (GetSummary(method, model, cancellationToken) is { } summary)
        {
            unknown = summary.CompletesUnknown;
            return Map(summary.MayComplete, method, call, IsThisOrStatic(call.Instance, method)).ToImmutableArray();
        }

        unknown = true;
        return ImmutableArray<AccessPath>.Empty;
    }

    private ImmutableHashSet<AccessPath> ConsumedByBody(IOperation? body, SemanticModel model, CancellationToken cancellationToken)
    {
        var result = ImmutableHashSet<AccessPath>.Empty;
        if (body is null)
        {
            return result;
        }

        result = result.Union(DirectConsumerLoops(body));
        foreach (var operation in Descendants(body))
        {
            if (operation is IInvocationOperation call && _api.Classify(call, out _) == CompletionRole.None &&
                GetSummary(call.TargetMethod, model, cancellationToken) is { } summary)
            {
                result = result.Union(Map(summary.Consumed, call.TargetMethod, call, IsThisOrStatic(call.Instance, call.TargetMethod)));
            }
        }

        return result;
    }

    private Summary? GetSummary(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken)
    {
        var definition = method.OriginalDefinition;
        if (_summaries.TryGetValue(definition, out var cached))
        {
            return cached;
        }

        var body = ReadBody(definition, model, cancellationToken);
        if (body is null)
        {
            // Not readable from this tree (another file, metadata): unknown, and not cached (another tree may read it).
            return null;
        }

        var mayComplete = ImmutableArray.CreateBuilder<AccessPath>();
        var completesUnknown = false;
        foreach (var operation in Descendants(body))
        {
            if (operation is not IInvocationOperation call)
            {
                continue;
            }

            var role = _api.Classify(call, out var subject);
            if (role == CompletionRole.Complete)
            {
                if (_api.TryGetKey(subject, out var key))
                {
                    mayComplete.Add(key);
                }
            }
            else if (role == CompletionRole.None)
            {
                // Whatever this body hands to other code may be completed there.
                foreach (var argument in call.Arguments)
                {
                    if (_api.TryGetKey(argument.Value, out var passed))
                    {
                        mayComplete.Add(passed);
                    }
                }

                completesUnknown |= call.TargetMethod.DeclaringSyntaxReferences.Length > 0 && !IsInert(call.TargetMethod, model, cancellationToken);
            }
        }

        var summary = new Summary(DirectConsumerLoops(body).ToImmutableArray(), mayComplete.ToImmutable(), completesUnknown);
        return _summaries.GetOrAdd(definition, summary);
    }

    private static IOperation? ReadBody(IMethodSymbol definition, SemanticModel model, CancellationToken cancellationToken)
    {
        IOperation? body = null;
        foreach (var reference in definition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == model.SyntaxTree)
            {
                body = model.GetOperation(reference.GetSyntax(cancellationToken), cancellationToken);
                break;
            }
        }

        return body is ILocalFunctionOperation localFunction ? localFunction.Body : body;
    }

    /// <summary>
    /// A method of this program, readable in this tree and not overridable, that completes nothing: it calls no other
    /// method of the program, no completion, and hands nothing completable to other code (<c>Handle(item)</c> that
    /// only prints). A body that calls it completes nothing through it.
    /// </summary>
    private bool IsInert(IMethodSymbol method, SemanticModel model, CancellationToken cancellationToken)
    {
        var definition = method.OriginalDefinition;
        if (definition.IsVirtual || definition.IsAbstract || definition.IsOverride || definition.IsExtern ||
            ReadBody(definition, model, cancellationToken) is not { } body)
        {
            return false;
        }

        foreach (var operation in Descendants(body))
        {
            if (operation is not IInvocationOperation call)
            {
                continue;
            }

            if (_api.Classify(call, out _) != CompletionRole.None || call.TargetMethod.DeclaringSyntaxReferences.Length > 0)
            {
                return false;
            }

            foreach (var argument in call.Arguments)
            {
                if (_api.TryGetKey(argument.Value, out _))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Loops directly in <paramref name="body"/> (not in nested lambdas) that end only when their collection is completed.</summary>
    private ImmutableHashSet<AccessPath> DirectConsumerLoops(IOperation body)
    {
        var result = ImmutableHashSet<AccessPath>.Empty;
        foreach (var operation in Descendants(body))
        {
            if (operation is ILoopOperation loop && !HasExit(loop))
            {
                result = result.Union(ConsumedUntilComplete(loop));
            }
            else if (operation is IInvocationOperation call &&
                     (IsParallelForEachOverConsumingEnumerable(call, out var consumed) || IsAggregationOverConsumingEnumerable(call, out consumed)))
            {
                result = result.Add(consumed);
            }
        }

        return result;
    }

    /// <summary>
    /// <c>Parallel.ForEach(q.GetConsumingEnumerable(), …)</c> (a common consumer) with no <c>ParallelOptions</c> (which may
    /// carry a cancellation token): it ends only when the collection is completed.
    /// </summary>
    private bool IsParallelForEachOverConsumingEnumerable(IInvocationOperation call, out AccessPath key)
    {
        key = default;
        if (!call.TargetMethod.ContainingType.Is(_launches.Parallel) || call.TargetMethod.Name != "ForEach" || call.Arguments.IsEmpty)
        {
            return false;
        }

        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.Type.Is(_api.ParallelOptions) == true)
            {
                return false;
            }
        }

        return ConsumesUntilComplete(call.Arguments[0].Value, out key);
    }

    /// <summary>
    /// A LINQ call that reads its whole source (<c>q.GetConsumingEnumerable().Sum()</c>, <c>.ToList()</c>, <c>.Count()</c>),
    /// through lazy steps that pass every element on (<c>Select</c>, <c>Where</c>…): it ends only when the collection
    /// is completed. Steps that may stop early (<c>Take</c>, <c>First</c>, <c>Any</c>) are not consumers.
    /// </summary>
    private bool IsAggregationOverConsumingEnumerable(IInvocationOperation call, out AccessPath key)
    {
        key = default;
        if (!IsEnumerableCall(call, ReadsAll) ||
            call.Parent is IArgumentOperation { Parent: IInvocationOperation outer } && IsEnumerableCall(outer, static _ => true))
        {
            // Only the outermost call of a chain is a consumer (its inner steps are lazy).
            return false;
        }

        var source = call.Arguments[0].Value;
        while (Strip(source) is IInvocationOperation step && IsEnumerableCall(step, PassesAll))
        {
            source = step.Arguments[0].Value;
        }

        return ConsumesUntilComplete(source, out key);
    }

    private bool IsEnumerableCall(IInvocationOperation call, System.Func<string, bool> name) =>
        call.TargetMethod.ContainingType.Is(_api.Enumerable) && call.TargetMethod.IsExtensionMethod && !call.Arguments.IsEmpty &&
        name(call.TargetMethod.Name);

    private static bool ReadsAll(string name) => name is
        "Sum" or "Count" or "LongCount" or "Min" or "Max" or "Average" or "Aggregate" or "Last" or "LastOrDefault" or
        "ToList" or "ToArray" or "ToDictionary" or "ToHashSet" or "ToLookup" or "Reverse" or "SequenceEqual";

    private static bool PassesAll(string name) => name is
        "Select" or "Where" or "SelectMany" or "Cast" or "OfType" or "Distinct" or "OrderBy" or "OrderByDescending" or
        "ThenBy" or "ThenByDescending" or "GroupBy" or "Skip" or "SkipWhile" or "Concat" or "Append" or "AsEnumerable";

    private IEnumerable<AccessPath> ConsumedUntilComplete(ILoopOperation loop)
    {
        switch (loop)
        {
            case IForEachLoopOperation forEach:
                if (ConsumesUntilComplete(forEach.Collection, out var consumed))
                {
                    yield return consumed;
                }

                break;
            case IWhileLoopOperation { Condition: var condition } whileLoop:
                if (condition is not null && ConsumesUntilComplete(condition, out var waited))
                {
                    yield return waited;
                }
                else if (condition is null || IsConstantTrue(condition) || IsNotCompletedCheck(condition))
                {
                    foreach (var taken in Takes(whileLoop.Body))
                    {
                        yield return taken;
                    }
                }

                break;
            case IForLoopOperation { Condition: var forCondition } forLoop when forCondition is null || IsConstantTrue(forCondition):
                foreach (var taken in Takes(forLoop.Body))
                {
                    yield return taken;
                }

                break;
        }
    }

    /// <summary><c>q.GetConsumingEnumerable()</c>, <c>r.ReadAllAsync()</c>, <c>await r.WaitToReadAsync()</c> without a cancellation token.</summary>
    private bool ConsumesUntilComplete(IOperation expression, out AccessPath key)
    {
        key = default;
        var value = Strip(expression);
        if (value is IAwaitOperation await)
        {
            value = Strip(await.Operation);
        }

        return value is IInvocationOperation call &&
               _api.Classify(call, out var subject) == CompletionRole.ConsumeUntilComplete &&
               !CompletionApi.HasCancellationToken(call) &&
               _api.TryGetKey(subject, out key);
    }

    private IEnumerable<AccessPath> Takes(IOperation body)
    {
        foreach (var operation in Descendants(body))
        {
            if (operation is IInvocationOperation call && _api.Classify(call, out var subject) == CompletionRole.Take &&
                !CompletionApi.HasCancellationToken(call) && _api.TryGetKey(subject, out var key))
            {
                yield return key;
            }
        }
    }

    private bool IsNotCompletedCheck(IOperation condition) =>
        Strip(condition) is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, Operand: var operand } &&
        Strip(operand) is IPropertyReferenceOperation property &&
        (SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _api.CollectionIsCompleted) ||
         SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, _api.CollectionIsAddingCompleted));

    private static bool IsConstantTrue(IOperation condition) =>
        condition.ConstantValue is { HasValue: true, Value: true };

    /// <summary>A <c>break</c> out of this loop, a <c>goto</c>, a <c>return</c> or <c>yield break</c>: the loop can end without completion.</summary>
    private static bool HasExit(ILoopOperation loop)
    {
        foreach (var operation in Descendants(loop.Body))
        {
            switch (operation)
            {
                case IBranchOperation { BranchKind: BranchKind.Break } branch when SymbolEqualityComparer.Default.Equals(branch.Target, loop.ExitLabel):
                case IBranchOperation { BranchKind: BranchKind.GoTo }:
                    return true;
                case IReturnOperation when operation.Kind is OperationKind.Return or OperationKind.YieldBreak:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Maps a summary's paths to the caller: parameters become the arguments' paths; fields stay when the call is on <c>this</c>.</summary>
    private IEnumerable<AccessPath> Map(IEnumerable<AccessPath> keys, IMethodSymbol method, IInvocationOperation? call, bool thisOrStatic)
    {
        var definition = method.OriginalDefinition;
        foreach (var key in keys)
        {
            switch (key.Root)
            {
                case IParameterSymbol parameter when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, definition):
                    if (call is null)
                    {
                        break;
                    }

                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Parameter?.Ordinal == parameter.Ordinal && _api.TryGetKey(argument.Value, out var passed))
                        {
                            yield return AccessPath.FromSymbols(passed.Symbols.AddRange(key.Symbols.RemoveAt(0)));
                        }
                    }

                    break;
                case IFieldSymbol or IPropertySymbol when key.Root.IsStatic || thisOrStatic:
                    yield return key;
                    break;
                case ILocalSymbol or IParameterSymbol when definition.MethodKind == MethodKind.LocalFunction:
                    // A local function's captured locals are the caller's.
                    yield return key;
                    break;
            }
        }
    }

    private static bool IsThisOrStatic(IOperation? instance, IMethodSymbol method) =>
        method.IsStatic || method.MethodKind == MethodKind.LocalFunction || instance is null or IInstanceReferenceOperation;

    /// <summary>The operations under <paramref name="root"/>, not entering lambdas or local functions (they run elsewhere).</summary>
    internal static IEnumerable<IOperation> Descendants(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation or IFlowAnonymousFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }
    }

    internal static IOperation Strip(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }
}
