using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// In one method: which tasks and threads are consumers of which completable (see <see cref="ConsumerLoops"/>), and
/// which locals, fields and arrays hold them (<c>var c = Task.Run(…)</c>, <c>consumers[i] = Task.Run(…)</c>,
/// <c>list.Add(Task.Run(…))</c>, <c>Enumerable.Range(…).Select(_ => Task.Run(…)).ToArray()</c>, <c>new Thread(…)</c>,
/// <c>foreach (var t in consumers)</c>). Holding is flow-insensitive, recorded only from launches seen in the method.
/// </summary>
internal sealed class ConsumerTasks
{
    private readonly Dictionary<SyntaxNode, ImmutableHashSet<AccessPath>> _launches;
    private readonly Dictionary<AccessPath, ImmutableHashSet<AccessPath>> _holders;
    private readonly ThreadingModel _model;

    private ConsumerTasks(
        Dictionary<SyntaxNode, ImmutableHashSet<AccessPath>> launches,
        Dictionary<AccessPath, ImmutableHashSet<AccessPath>> holders,
        ThreadingModel model)
    {
        _launches = launches;
        _holders = holders;
        _model = model;
    }

    public bool IsEmpty => _launches.Count == 0 && _holders.Count == 0;

    public static ConsumerTasks Collect(
        IOperation block, ThreadingModel model, ConsumerLoops loops, SemanticModel semanticModel, INamedTypeSymbol? containingType,
        CancellationToken cancellationToken)
    {
        // Consumer tasks kept in fields matter only to a body that reads a task- or thread-typed field or property;
        // reading the other members of the type is the expensive part, so skip it otherwise.
        var fields = containingType is null || !ReadsTaskMember(block, model)
            ? null
            : loops.FieldHolders(containingType, () => FieldHoldersOf(containingType, model, loops, semanticModel, cancellationToken));
        return Scan(new[] { block }, fields, model, loops, semanticModel, cancellationToken);
    }

    /// <summary>True when <paramref name="block"/> reads a field or property holding tasks or threads (alone, in an array or a collection).</summary>
    private static bool ReadsTaskMember(IOperation block, ThreadingModel model)
    {
        foreach (var operation in block.DescendantsAndSelf())
        {
            if (operation is IFieldReferenceOperation or IPropertyReferenceOperation && HoldsTasks(operation.Type, model))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HoldsTasks(ITypeSymbol? type, ThreadingModel model)
    {
        if (type is null)
        {
            return false;
        }

        if (model.Tasks.IsTask(type) || model.Threads.IsThread(type))
        {
            return true;
        }

        if (type is IArrayTypeSymbol array)
        {
            return HoldsTasks(array.ElementType, model);
        }

        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            foreach (var argument in generic.TypeArguments)
            {
                if (model.Tasks.IsTask(argument) || model.Threads.IsThread(argument))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The fields and auto-properties of <paramref name="type"/> that some member (in this file) fills with consumer
    /// tasks or threads (<c>_consumer = Task.Run(Loop)</c> in <c>Start()</c>, waited in <c>Stop()</c>). Empty for a
    /// type declared in several parts.
    /// </summary>
    private static IReadOnlyDictionary<AccessPath, ImmutableHashSet<AccessPath>> FieldHoldersOf(
        INamedTypeSymbol type, ThreadingModel model, ConsumerLoops loops, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        var result = new Dictionary<AccessPath, ImmutableHashSet<AccessPath>>();
        if (type.DeclaringSyntaxReferences.Length != 1 || type.DeclaringSyntaxReferences[0].SyntaxTree != semanticModel.SyntaxTree ||
            type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
        {
            return result;
        }

        var bodies = new List<IOperation>();
        foreach (var member in declaration.Members)
        {
            var nodes = member switch
            {
                BaseMethodDeclarationSyntax method => new SyntaxNode[] { method },
                BasePropertyDeclarationSyntax { AccessorList: { } accessors } => accessors.Accessors.ToArray<SyntaxNode>(),
                _ => System.Array.Empty<SyntaxNode>(),
            };
            foreach (var node in nodes)
            {
                if (semanticModel.GetOperation(node, cancellationToken) is { } operation)
                {
                    bodies.Add(operation);
                }
            }
        }

        var scanned = Scan(bodies, null, model, loops, semanticModel, cancellationToken);
        foreach (var pair in scanned._holders)
        {
            if (pair.Key.Symbols.Length == 1 && pair.Key.Root is IFieldSymbol or IPropertySymbol &&
                SymbolEqualityComparer.Default.Equals(pair.Key.Root.ContainingType, type))
            {
                result[pair.Key] = pair.Value;
            }
        }

        return result;
    }

    private static ConsumerTasks Scan(
        IReadOnlyList<IOperation> blocks, IReadOnlyDictionary<AccessPath, ImmutableHashSet<AccessPath>>? initial,
        ThreadingModel model, ConsumerLoops loops, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        var launches = new Dictionary<SyntaxNode, ImmutableHashSet<AccessPath>>();

        // The operations that may fill a holder, in walk order: the rounds below visit only these.
        var fillers = new List<IOperation>();
        foreach (var block in blocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                if (operation is IInvocationOperation or IObjectCreationOperation)
                {
                    var keys = loops.ConsumedByLaunch(operation, semanticModel, cancellationToken);
                    if (!keys.IsEmpty)
                    {
                        launches[operation.Syntax] = keys;
                    }
                }

                if (operation is IVariableDeclaratorOperation or ISimpleAssignmentOperation or IInvocationOperation { Instance: not null } or IForEachLoopOperation)
                {
                    fillers.Add(operation);
                }
            }
        }

        var result = new ConsumerTasks(launches, new Dictionary<AccessPath, ImmutableHashSet<AccessPath>>(), model);
        if (initial is not null)
        {
            foreach (var pair in initial)
            {
                result.Hold(pair.Key, pair.Value);
            }
        }

        if (result.IsEmpty)
        {
            return result;
        }

        // Two rounds: a holder may be filled from another holder (`threads.Add(t)`, `var all = Task.WhenAll(consumers)`).
        for (var round = 0; round < 2; round++)
        {
            foreach (var operation in fillers)
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator:
                        result.Hold(AccessPath.FromSymbols(ImmutableArray.Create<ISymbol>(declarator.Symbol)), result.ValueKeys(value));
                        break;
                    case ISimpleAssignmentOperation assignment:
                        var target = ConsumerLoops.Strip(assignment.Target);
                        if (target is IArrayElementReferenceOperation element)
                        {
                            target = element.ArrayReference;
                        }

                        if (AccessPath.TryCreate(target, out var assigned))
                        {
                            result.Hold(assigned, result.ValueKeys(assignment.Value));
                        }

                        break;
                    case IInvocationOperation { Instance: { } instance } invocation when AccessPath.TryCreate(instance, out var receiver):
                        foreach (var argument in invocation.Arguments)
                        {
                            result.Hold(receiver, result.ValueKeys(argument.Value));
                        }

                        break;
                    case IForEachLoopOperation { LoopControlVariable: IVariableDeclaratorOperation variable } forEach:
                        result.Hold(AccessPath.FromSymbols(ImmutableArray.Create<ISymbol>(variable.Symbol)), result.Keys(forEach.Collection));
                        break;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The completables whose consumers <paramref name="expression"/> (the operand of a wait) stands for: a consumer task
    /// or thread, an array or list of them, <c>Task.WhenAll</c>/<c>WaitAll</c> of them, an element, a LINQ copy, a
    /// channel reader's or dataflow block's <c>Completion</c>.
    /// </summary>
    public ImmutableHashSet<AccessPath> Keys(IOperation? expression)
    {
        var result = ImmutableHashSet<AccessPath>.Empty;
        if (expression is null)
        {
            return result;
        }

        var value = ConsumerLoops.Strip(expression);
        if (_model.Completions.CompletionTaskOwner(value) is { } owner && _model.Completions.TryGetKey(owner, out var completionKey))
        {
            return result.Add(completionKey);
        }

        if (IsEmpty)
        {
            return result;
        }

        if (_launches.TryGetValue(value.Syntax, out var launched) && value is IInvocationOperation or IObjectCreationOperation)
        {
            result = result.Union(launched);
        }

        if (AccessPath.TryCreate(value, out var path) && _holders.TryGetValue(path, out var held))
        {
            result = result.Union(held);
        }

        switch (value)
        {
            case IArrayElementReferenceOperation element:
                result = result.Union(Keys(element.ArrayReference));
                break;
            case IArrayCreationOperation { Initializer: { } initializer }:
                foreach (var item in initializer.ElementValues)
                {
                    result = result.Union(Keys(item));
                }

                break;
            case IInvocationOperation invocation when ComposesTasks(invocation):
                result = result.Union(Keys(invocation.Instance));
                foreach (var argument in invocation.Arguments)
                {
                    result = result.Union(ElementKeys(argument.Value));
                }

                break;
        }

        return result;
    }

    /// <summary>
    /// <see cref="Keys"/> of an argument that may be a collection built in place: a <c>params</c> array, or (on newer
    /// compilers) a <c>params ReadOnlySpan&lt;Task&gt;</c> collection, whose elements are its child operations.
    /// </summary>
    public ImmutableHashSet<AccessPath> ElementKeys(IOperation? value)
    {
        var result = Keys(value);
        if (value is null || !result.IsEmpty)
        {
            return result;
        }

        var stripped = ConsumerLoops.Strip(value);
        if (stripped is IInvocationOperation or IObjectCreationOperation or IMemberReferenceOperation or ILocalReferenceOperation or
            IParameterReferenceOperation or IAnonymousFunctionOperation or IDelegateCreationOperation or ILiteralOperation)
        {
            return result;
        }

        foreach (var child in stripped.ChildOperations)
        {
            result = result.Union(Keys(child));
        }

        return result;
    }

    /// <summary>
    /// <c>WhenAll</c>/<c>WaitAll</c> (not the <c>Any</c> forms: a wait for one of several can end without the consumers),
    /// and calls that return tasks or collections built from their receiver (<c>WaitAsync</c>, <c>ConfigureAwait</c>,
    /// <c>ToArray</c>, <c>Concat</c>…).
    /// </summary>
    private bool ComposesTasks(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var tasks = _model.Tasks;
        if (tasks.WhenAllMethods.ContainsMethod(method) || tasks.WaitAllMethods.ContainsMethod(method))
        {
            return method.Name is "WhenAll" or "WaitAll";
        }

        if (tasks.IsTask(method.ContainingType))
        {
            // WaitAsync, ConfigureAwait, ContinueWith: a task that ends after the receiver.
            return invocation.Instance is not null;
        }

        // ToArray, ToList, Concat, Append… over tasks: LINQ, or an instance method of the collection itself.
        var returned = method.ReturnType;
        var isCollection = returned is IArrayTypeSymbol ||
                           (returned.SpecialType != SpecialType.System_String &&
                            returned.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable));
        return isCollection &&
               (invocation.Instance is not null || method.ContainingType.Is(_model.Completions.Enumerable));
    }

    private ImmutableHashSet<AccessPath> ValueKeys(IOperation value)
    {
        var result = Keys(value);
        foreach (var operation in value.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation or IObjectCreationOperation && _launches.TryGetValue(operation.Syntax, out var keys))
            {
                result = result.Union(keys);
            }
        }

        return result;
    }

    private void Hold(AccessPath holder, ImmutableHashSet<AccessPath> keys)
    {
        if (keys.IsEmpty)
        {
            return;
        }

        _holders[holder] = _holders.TryGetValue(holder, out var existing) ? existing.Union(keys) : keys;
    }
}
