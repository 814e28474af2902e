using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>What a check on a collection asks.</summary>
internal enum CollectionCheckKind
{
    /// <summary>Is there an item: <c>IsEmpty</c>, <c>Count</c> compared with 0 or 1, <c>Any()</c>.</summary>
    Emptiness,

    /// <summary>Is there a key: <c>ContainsKey</c>, <c>TryGetValue</c> on a <c>ConcurrentDictionary</c>.</summary>
    Key,
}

/// <summary>What an act on a collection does after a check.</summary>
internal enum CollectionActKind
{
    /// <summary><c>TryDequeue</c>/<c>TryPop</c>/<c>TryTake</c>/<c>TryRead</c> whose result is ignored and whose item is used.</summary>
    TryTakeIgnored,

    /// <summary><c>BlockingCollection.Take</c>, <c>ChannelReader.ReadAsync</c>: waits when another consumer won.</summary>
    BlockingTake,

    /// <summary><c>dictionary[key] = …</c> on a <c>ConcurrentDictionary</c>.</summary>
    IndexerWrite,
}

/// <summary>
/// The thread-safe collections (<c>System.Collections.Concurrent</c>, <c>BlockingCollection</c>, channel readers): their
/// checks (<c>IsEmpty</c>, <c>Count</c>, <c>ContainsKey</c>) and the takes and writes that act on the answer. Each
/// member alone is atomic; a check followed by an act is not. Resolved once per compilation; compared by symbol.
/// </summary>
internal sealed class CollectionApi
{
    private readonly ImmutableHashSet<IPropertySymbol> _isEmpty;
    private readonly ImmutableHashSet<IPropertySymbol> _count;
    private readonly ImmutableHashSet<IMethodSymbol> _any;
    private readonly ImmutableHashSet<IMethodSymbol> _keyChecks;
    private readonly ImmutableHashSet<IMethodSymbol> _tryTakes;
    private readonly ImmutableHashSet<IMethodSymbol> _blockingTakes;
    private readonly INamedTypeSymbol? _concurrentDictionary;
    private readonly ImmutableHashSet<IMethodSymbol> _unsafeMutators;
    private readonly ImmutableArray<INamedTypeSymbol> _unsafeKeyed;
    private readonly IPropertySymbol? _channelReader;

    public CollectionApi(Compilation compilation, CompletionApi completions)
    {
        INamedTypeSymbol? Type(string name) => WellKnownTypes.Get(compilation, name);
        var queue = Type("System.Collections.Concurrent.ConcurrentQueue`1");
        var stack = Type("System.Collections.Concurrent.ConcurrentStack`1");
        var bag = Type("System.Collections.Concurrent.ConcurrentBag`1");
        _concurrentDictionary = Type("System.Collections.Concurrent.ConcurrentDictionary`2");
        var blocking = completions.BlockingCollection;
        var reader = completions.ChannelReader;
        _channelReader = completions.ChannelReaderProperty;
        HasAny = queue is not null || blocking is not null || _concurrentDictionary is not null || reader is not null;

        _isEmpty = Properties("IsEmpty", queue, stack, bag, _concurrentDictionary);
        _count = Properties("Count", queue, stack, bag, blocking, reader);
        _any = Only(SymbolSets.Methods(Type("System.Linq.Enumerable"), "Any"), 1);
        _keyChecks = SymbolSets.Methods(_concurrentDictionary, "ContainsKey", "TryGetValue");
        _tryTakes = SymbolSets.Union(
            SymbolSets.Methods(queue, "TryDequeue"),
            SymbolSets.Methods(stack, "TryPop"),
            SymbolSets.Methods(bag, "TryTake"),
            Only(SymbolSets.Methods(blocking, "TryTake"), 1),
            SymbolSets.Methods(reader, "TryRead"));
        _blockingTakes = SymbolSets.Union(SymbolSets.Methods(blocking, "Take"), SymbolSets.Methods(reader, "ReadAsync"));

        var list = Type("System.Collections.Generic.List`1");
        var dictionary = Type("System.Collections.Generic.Dictionary`2");
        var sortedDictionary = Type("System.Collections.Generic.SortedDictionary`2");
        var sortedList = Type("System.Collections.Generic.SortedList`2");
        _unsafeKeyed = new[] { dictionary, sortedDictionary, sortedList }.Where(t => t is not null).Select(t => t!).ToImmutableArray();
        _unsafeMutators = SymbolSets.Union(
            SymbolSets.Methods(list, "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "Clear", "Sort", "Reverse"),
            SymbolSets.Methods(dictionary, "Add", "TryAdd", "Remove", "Clear"),
            SymbolSets.Methods(sortedDictionary, "Add", "Remove", "Clear"),
            SymbolSets.Methods(sortedList, "Add", "Remove", "RemoveAt", "Clear"),
            SymbolSets.Methods(Type("System.Collections.Generic.HashSet`1"), "Add", "Remove", "Clear", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith", "RemoveWhere"),
            SymbolSets.Methods(Type("System.Collections.Generic.SortedSet`1"), "Add", "Remove", "Clear", "UnionWith", "ExceptWith", "IntersectWith", "SymmetricExceptWith", "RemoveWhere"),
            SymbolSets.Methods(Type("System.Collections.Generic.Queue`1"), "Enqueue", "Dequeue", "TryDequeue", "Clear"),
            SymbolSets.Methods(Type("System.Collections.Generic.Stack`1"), "Push", "Pop", "TryPop", "Clear"),
            SymbolSets.Methods(Type("System.Collections.Generic.LinkedList`1"), "AddFirst", "AddLast", "AddBefore", "AddAfter", "Remove", "RemoveFirst", "RemoveLast", "Clear"));
        HasUnsafe = list is not null || dictionary is not null;
    }

    /// <summary>False when the compilation has none of the non-thread-safe collections of TW0017.</summary>
    public bool HasUnsafe { get; }

    /// <summary>
    /// <paramref name="operation"/> changes a collection that is not thread-safe (<c>List&lt;T&gt;</c>, <c>Dictionary</c>,
    /// <c>HashSet</c>, <c>Queue</c>, <c>Stack</c>, sorted and linked collections): a mutating call, or an indexer write
    /// of a dictionary (which may add). A <c>List&lt;T&gt;</c> indexer write replaces one slot and is not counted.
    /// </summary>
    public bool TryGetUnsafeMutation(IOperation operation, out IOperation collection)
    {
        collection = null!;
        switch (operation)
        {
            case IInvocationOperation { Instance: { } instance } call when _unsafeMutators.ContainsMethod(call.TargetMethod):
                collection = instance;
                return true;
            case IAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } indexer }
                when _unsafeKeyed.Any(t => indexer.Property.ContainingType.OriginalDefinition.Is(t)):
                collection = instance;
                return true;
            default:
                return false;
        }
    }

    /// <summary>False when the compilation has none of the collections (the rule has nothing to do).</summary>
    public bool HasAny { get; }

    /// <summary>
    /// <paramref name="operation"/> as a check on a thread-safe collection: the collection and, for key checks, the key.
    /// <c>Count</c> counts only compared with 0 (or 1): a threshold such as <c>Count &gt; 100</c> is a cap, not a promise.
    /// </summary>
    public bool TryGetCheck(IOperation operation, out IOperation collection, out CollectionCheckKind kind, out IOperation? key)
    {
        key = null;
        kind = CollectionCheckKind.Emptiness;
        collection = null!;
        switch (operation)
        {
            case IPropertyReferenceOperation { Instance: { } instance } p when _isEmpty.Contains(p.Property.OriginalDefinition):
                collection = instance;
                return true;
            case IBinaryOperation binary when ComparesCountWithZero(binary, out var count):
                collection = count;
                return true;
            case IInvocationOperation { Arguments.Length: 1 } any when _any.ContainsMethod(any.TargetMethod) && IsThreadSafe(any.Arguments[0].Value):
                collection = StartApi.Unwrap(any.Arguments[0].Value)!;
                return true;
            case IInvocationOperation { Instance: { } instance, Arguments.Length: >= 1 } check when _keyChecks.ContainsMethod(check.TargetMethod):
                collection = instance;
                kind = CollectionCheckKind.Key;
                key = check.Arguments[0].Value;
                return true;
            default:
                return false;
        }
    }

    /// <summary><paramref name="operation"/> as an act on a thread-safe collection (see <see cref="CollectionActKind"/>).</summary>
    public bool TryGetAct(IOperation operation, out IOperation collection, out CollectionActKind kind, out IOperation? key)
    {
        key = null;
        kind = CollectionActKind.BlockingTake;
        collection = null!;
        switch (operation)
        {
            case IInvocationOperation { Instance: { } instance } take when _blockingTakes.ContainsMethod(take.TargetMethod):
                collection = instance;
                return true;
            case IInvocationOperation { Instance: { } instance } take when _tryTakes.ContainsMethod(take.TargetMethod) && ResultIgnored(take) && ItemUsed(take):
                collection = instance;
                kind = CollectionActKind.TryTakeIgnored;
                return true;
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance, Arguments.Length: 1 } indexer }
                when indexer.Property.ContainingType.OriginalDefinition.Is(_concurrentDictionary):
                collection = instance;
                kind = CollectionActKind.IndexerWrite;
                key = indexer.Arguments[0].Value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The storage the collection lives in; a channel's <c>Reader</c> counts as part of the path.</summary>
    public AccessPath? PathOf(IOperation collection)
    {
        collection = StartApi.Unwrap(collection)!;
        if (collection is IPropertyReferenceOperation { Instance: { } channel } reader &&
            SymbolEqualityComparer.Default.Equals(reader.Property.OriginalDefinition, _channelReader) &&
            AccessPath.Create(channel) is { } channelPath)
        {
            return AccessPath.FromSymbols(channelPath.Symbols.Add(reader.Property));
        }

        return AccessPath.Create(collection);
    }

    private bool ComparesCountWithZero(IBinaryOperation binary, out IOperation collection)
    {
        collection = null!;
        var (countSide, constant, countOnLeft) = StartApi.Unwrap(binary.LeftOperand)! is IPropertyReferenceOperation { Instance: not null } left && _count.Contains(left.Property.OriginalDefinition)
            ? (left, binary.RightOperand.ConstantValue, true)
            : StartApi.Unwrap(binary.RightOperand)! is IPropertyReferenceOperation { Instance: not null } right && _count.Contains(right.Property.OriginalDefinition)
                ? (right, binary.LeftOperand.ConstantValue, false)
                : ((IPropertyReferenceOperation?)null, default(Optional<object?>), false);
        if (countSide is null || !constant.HasValue || constant.Value is not int bound)
        {
            return false;
        }

        var op = countOnLeft ? binary.OperatorKind : Mirror(binary.OperatorKind);
        var emptiness = bound == 0
            ? op is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.NotEquals or BinaryOperatorKind.Equals or BinaryOperatorKind.LessThanOrEqual
            : bound == 1 && op is BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan;
        collection = countSide.Instance!;
        return emptiness;
    }

    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        _ => kind,
    };

    private bool IsThreadSafe(IOperation source)
    {
        var type = StartApi.Unwrap(source)!.Type?.OriginalDefinition;
        return type is not null && (_isEmpty.Any(p => type.Is(p.ContainingType)) || _count.Any(p => type.Is(p.ContainingType)));
    }

    /// <summary>The call is a statement of its own, or assigned to a discard: nobody looks at the bool.</summary>
    private static bool ResultIgnored(IInvocationOperation call)
    {
        var (child, user) = Flow.OperationTree.User(call);
        return user is IExpressionStatementOperation ||
               (user is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && assignment.Value == child && assignment.Parent is IExpressionStatementOperation);
    }

    /// <summary>The item comes out into a variable (not <c>out _</c>): the code goes on to use it.</summary>
    private static bool ItemUsed(IInvocationOperation call)
    {
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Out)
            {
                return argument.Value is not IDiscardOperation;
            }
        }

        return false;
    }

    private static ImmutableHashSet<IMethodSymbol> Only(ImmutableHashSet<IMethodSymbol> methods, int parameterCount) =>
        methods.Where(m => m.Parameters.Length == parameterCount).ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

    private static ImmutableHashSet<IPropertySymbol> Properties(string name, params INamedTypeSymbol?[] types)
    {
        var builder = ImmutableHashSet.CreateBuilder<IPropertySymbol>(SymbolEqualityComparer.Default);
        foreach (var type in types)
        {
            if (SymbolSets.Property(type, name) is { } property)
            {
                builder.Add(property);
            }
        }

        return builder.ToImmutable();
    }
}
