using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Model;

/// <summary>What a call does to a completable collection, channel, dataflow block or worker pool.</summary>
internal enum CompletionRole
{
    None,

    /// <summary>Tells the consumers that no more work comes: <c>CompleteAdding</c>, <c>Writer.Complete</c>/<c>TryComplete</c>, <c>IDataflowBlock.Complete</c>, <c>WorkerPool.Close</c>/<c>Terminate</c>.</summary>
    Complete,

    /// <summary>Adds work: <c>Add</c>/<c>TryAdd</c>, <c>WriteAsync</c>/<c>TryWrite</c>, <c>Post</c>/<c>SendAsync</c>, <c>WorkerPool.Submit</c>/<c>Map</c>.</summary>
    Add,

    /// <summary>Takes one item (a consumer's loop body): <c>Take</c>/<c>TryTake</c>, <c>ReadAsync</c>.</summary>
    Take,

    /// <summary>An enumeration or wait that ends only at completion: <c>GetConsumingEnumerable()</c>, <c>ReadAllAsync()</c>, <c>WaitToReadAsync()</c>.</summary>
    ConsumeUntilComplete,

    /// <summary>Waits for the workers of a pool: <c>WorkerPool.Join</c>/<c>JoinAsync</c>.</summary>
    Join,
}

/// <summary>
/// Producer/consumer completion: <c>BlockingCollection&lt;T&gt;</c>, <c>Channel&lt;T&gt;</c> (writer and reader),
/// TPL Dataflow blocks (when the assembly is referenced) and the runtime library's <c>ThreadWise.WorkerPool</c> (when
/// referenced). Every completable thing is named by an <see cref="AccessPath"/>; for channels the path of the channel
/// (<c>ch</c> in <c>ch.Writer.Complete()</c> and <c>ch.Reader.ReadAllAsync()</c>) or of a writer/reader variable.
/// </summary>
internal sealed class CompletionApi
{
    public CompletionApi(Compilation compilation)
    {
        BlockingCollection = WellKnownTypes.Get(compilation, "System.Collections.Concurrent.BlockingCollection`1");
        CompleteAdding = SymbolSets.Methods(BlockingCollection, "CompleteAdding");
        CollectionAdd = SymbolSets.Methods(BlockingCollection, "Add", "TryAdd");
        CollectionTake = SymbolSets.Methods(BlockingCollection, "Take", "TryTake");
        GetConsumingEnumerable = SymbolSets.Methods(BlockingCollection, "GetConsumingEnumerable");
        CollectionIsCompleted = SymbolSets.Property(BlockingCollection, "IsCompleted");
        CollectionIsAddingCompleted = SymbolSets.Property(BlockingCollection, "IsAddingCompleted");

        Channel = WellKnownTypes.Get(compilation, "System.Threading.Channels.Channel`2");
        ChannelWriter = WellKnownTypes.Get(compilation, "System.Threading.Channels.ChannelWriter`1");
        ChannelReader = WellKnownTypes.Get(compilation, "System.Threading.Channels.ChannelReader`1");
        ChannelWriterProperty = SymbolSets.Property(Channel, "Writer");
        ChannelReaderProperty = SymbolSets.Property(Channel, "Reader");
        WriterComplete = SymbolSets.Methods(ChannelWriter, "Complete", "TryComplete");
        WriterAdd = SymbolSets.Methods(ChannelWriter, "WriteAsync", "TryWrite");
        WriterWaitToWrite = SymbolSets.Methods(ChannelWriter, "WaitToWriteAsync");
        ReaderReadAll = SymbolSets.Methods(ChannelReader, "ReadAllAsync", "WaitToReadAsync");
        ReaderTake = SymbolSets.Methods(ChannelReader, "ReadAsync");
        ReaderCompletion = SymbolSets.Property(ChannelReader, "Completion");

        DataflowBlock = WellKnownTypes.Get(compilation, "System.Threading.Tasks.Dataflow.IDataflowBlock");
        TargetBlock = WellKnownTypes.Get(compilation, "System.Threading.Tasks.Dataflow.ITargetBlock`1");
        DataflowBlockExtensions = WellKnownTypes.Get(compilation, "System.Threading.Tasks.Dataflow.DataflowBlock");
        BlockComplete = SingleMethod(DataflowBlock, "Complete");
        BlockCompletion = SymbolSets.Property(DataflowBlock, "Completion");
        BlockAdd = SymbolSets.Methods(DataflowBlockExtensions, "Post", "SendAsync");

        WorkerPool = WellKnownTypes.Get(compilation, "ThreadWise.WorkerPool");
        PoolComplete = SymbolSets.Methods(WorkerPool, "Close", "Terminate");
        PoolAdd = SymbolSets.Methods(WorkerPool, "Submit", "Map");
        PoolJoin = SymbolSets.Methods(WorkerPool, "Join", "JoinAsync");

        Enumerable = WellKnownTypes.Get(compilation, "System.Linq.Enumerable");
        TimeSpan = WellKnownTypes.Get(compilation, "System.TimeSpan");
        ParallelOptions = WellKnownTypes.Get(compilation, "System.Threading.Tasks.ParallelOptions");
        IsEmpty = BlockingCollection is null && ChannelWriter is null && DataflowBlock is null && WorkerPool is null;
    }

    /// <summary>True when the compilation has none of the completable types: the rule then does nothing.</summary>
    public bool IsEmpty { get; }

    /// <summary><c>System.Linq.Enumerable</c>: <c>ToArray</c>, <c>Concat</c>… copy a list of consumer tasks.</summary>
    public INamedTypeSymbol? Enumerable { get; }

    /// <summary><c>System.TimeSpan</c>: a wait given one has a timeout.</summary>
    public INamedTypeSymbol? TimeSpan { get; }

    /// <summary><c>ParallelOptions</c>: may carry a cancellation token that stops a <c>Parallel.ForEach</c> consumer.</summary>
    public INamedTypeSymbol? ParallelOptions { get; }

    public INamedTypeSymbol? BlockingCollection { get; }

    public ImmutableHashSet<IMethodSymbol> CompleteAdding { get; }

    public ImmutableHashSet<IMethodSymbol> CollectionAdd { get; }

    public ImmutableHashSet<IMethodSymbol> CollectionTake { get; }

    public ImmutableHashSet<IMethodSymbol> GetConsumingEnumerable { get; }

    public IPropertySymbol? CollectionIsCompleted { get; }

    public IPropertySymbol? CollectionIsAddingCompleted { get; }

    /// <summary><c>Channel&lt;TWrite, TRead&gt;</c> (the base of <c>Channel&lt;T&gt;</c>), which declares <c>Writer</c> and <c>Reader</c>.</summary>
    public INamedTypeSymbol? Channel { get; }

    public INamedTypeSymbol? ChannelWriter { get; }

    public INamedTypeSymbol? ChannelReader { get; }

    public IPropertySymbol? ChannelWriterProperty { get; }

    public IPropertySymbol? ChannelReaderProperty { get; }

    public ImmutableHashSet<IMethodSymbol> WriterComplete { get; }

    public ImmutableHashSet<IMethodSymbol> WriterAdd { get; }

    public ImmutableHashSet<IMethodSymbol> WriterWaitToWrite { get; }

    public ImmutableHashSet<IMethodSymbol> ReaderReadAll { get; }

    public ImmutableHashSet<IMethodSymbol> ReaderTake { get; }

    public IPropertySymbol? ReaderCompletion { get; }

    /// <summary><c>IDataflowBlock</c>; null when TPL Dataflow is not referenced.</summary>
    public INamedTypeSymbol? DataflowBlock { get; }

    public INamedTypeSymbol? TargetBlock { get; }

    public INamedTypeSymbol? DataflowBlockExtensions { get; }

    public IMethodSymbol? BlockComplete { get; }

    public IPropertySymbol? BlockCompletion { get; }

    /// <summary><c>DataflowBlock.Post</c> and <c>SendAsync</c> (extension methods on <c>ITargetBlock&lt;T&gt;</c>).</summary>
    public ImmutableHashSet<IMethodSymbol> BlockAdd { get; }

    /// <summary>The runtime library's <c>ThreadWise.WorkerPool</c>; null when it is not referenced.</summary>
    public INamedTypeSymbol? WorkerPool { get; }

    public ImmutableHashSet<IMethodSymbol> PoolComplete { get; }

    public ImmutableHashSet<IMethodSymbol> PoolAdd { get; }

    public ImmutableHashSet<IMethodSymbol> PoolJoin { get; }

    /// <summary>
    /// Classifies an invocation: its role and the expression naming the completable thing it acts on (the collection,
    /// the writer or reader, the block, the pool). <see cref="CompletionRole.None"/> for every other call.
    /// </summary>
    public CompletionRole Classify(IInvocationOperation invocation, out IOperation? subject)
    {
        var method = invocation.TargetMethod;
        subject = invocation.Instance;
        if (subject is not null)
        {
            var type = method.ContainingType;
            if (type.Is(BlockingCollection))
            {
                return CompleteAdding.ContainsMethod(method) ? CompletionRole.Complete
                    : CollectionAdd.ContainsMethod(method) ? CompletionRole.Add
                    : CollectionTake.ContainsMethod(method) ? CompletionRole.Take
                    : GetConsumingEnumerable.ContainsMethod(method) ? CompletionRole.ConsumeUntilComplete
                    : CompletionRole.None;
            }

            if (type.InheritsFromOrEquals(ChannelWriter))
            {
                return WriterComplete.ContainsMethod(method) ? CompletionRole.Complete
                    : WriterAdd.ContainsMethod(method) ? CompletionRole.Add
                    : CompletionRole.None;
            }

            if (type.InheritsFromOrEquals(ChannelReader))
            {
                return ReaderReadAll.ContainsMethod(method) ? CompletionRole.ConsumeUntilComplete
                    : ReaderTake.ContainsMethod(method) ? CompletionRole.Take
                    : CompletionRole.None;
            }

            if (type.Is(WorkerPool))
            {
                return PoolComplete.ContainsMethod(method) ? CompletionRole.Complete
                    : PoolAdd.ContainsMethod(method) ? CompletionRole.Add
                    : PoolJoin.ContainsMethod(method) ? CompletionRole.Join
                    : CompletionRole.None;
            }

            if (BlockComplete is not null && method.Name == BlockComplete.Name && method.Parameters.IsEmpty &&
                ImplementsBlockMember(method, BlockComplete))
            {
                return CompletionRole.Complete;
            }

            // ActionBlock<T>, BufferBlock<T>, … declare their own Post(item), which hides the DataflowBlock extension.
            if (method.Name == "Post" && method.Parameters.Length == 1 && IsTargetBlock(type))
            {
                return CompletionRole.Add;
            }

            return CompletionRole.None;
        }

        // DataflowBlock.Post(block, item) / SendAsync(block, item): extension methods called in reduced or static form.
        if (BlockAdd.ContainsMethod(method) && !invocation.Arguments.IsEmpty)
        {
            subject = invocation.Arguments[0].Value;
            return CompletionRole.Add;
        }

        subject = null;
        return CompletionRole.None;
    }

    /// <summary>True when the call takes a cancellation token (not <c>default</c>): a consumer that can be stopped that way.</summary>
    public static bool HasCancellationToken(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Type is { Name: "CancellationToken" } &&
                argument.ArgumentKind == ArgumentKind.Explicit &&
                argument.Value is not IDefaultValueOperation &&
                !(argument.Value is IConversionOperation { Operand: IDefaultValueOperation }))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The expression whose <c>Completion</c> task is read: a channel reader's or a dataflow block's; null otherwise.</summary>
    public IOperation? CompletionTaskOwner(IOperation operation)
    {
        if (operation is not IPropertyReferenceOperation { Instance: { } instance } property)
        {
            return null;
        }

        var definition = property.Property.OriginalDefinition;
        if (ReaderCompletion is not null && property.Property.ContainingType.InheritsFromOrEquals(ChannelReader) &&
            definition.Name == ReaderCompletion.Name)
        {
            return instance;
        }

        if (BlockCompletion is not null && definition.Name == BlockCompletion.Name && ImplementsBlockMember(property.Property, BlockCompletion))
        {
            return instance;
        }

        return null;
    }

    /// <summary>
    /// The expression that names a completable thing: <c>ch.Writer</c> and <c>ch.Reader</c> name the channel <c>ch</c>;
    /// implicit conversions are looked through.
    /// </summary>
    public IOperation Normalize(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        if (operation is IPropertyReferenceOperation { Instance: { } channel } property &&
            Channel is not null && property.Property.ContainingType.InheritsFromOrEquals(Channel) &&
            (property.Property.OriginalDefinition.Name == ChannelWriterProperty?.Name ||
             property.Property.OriginalDefinition.Name == ChannelReaderProperty?.Name))
        {
            return channel;
        }

        return operation;
    }

    /// <summary>The access path of a completable thing (see <see cref="Normalize"/>).</summary>
    public bool TryGetKey(IOperation? operation, out AccessPath key)
    {
        if (operation is null)
        {
            key = default;
            return false;
        }

        return AccessPath.TryCreate(Normalize(operation), out key);
    }

    private bool ImplementsBlockMember(ISymbol member, ISymbol interfaceMember)
    {
        var type = member.ContainingType;
        if (type is null || DataflowBlock is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, interfaceMember))
        {
            return true;
        }

        // IDataflowBlock is not generic: asking the definition (interfaces computed once) answers for every construction.
        if (!type.OriginalDefinition.AllInterfaces.Contains(DataflowBlock, SymbolEqualityComparer.Default) && !type.Is(DataflowBlock))
        {
            return false;
        }

        var implementation = type.FindImplementationForInterfaceMember(interfaceMember);
        return SymbolEqualityComparer.Default.Equals(implementation?.OriginalDefinition, member.OriginalDefinition);
    }

    /// <summary>True when <paramref name="type"/> implements <c>ITargetBlock&lt;T&gt;</c> (interfaces of the definition, computed once).</summary>
    public bool IsTargetBlock(INamedTypeSymbol? type)
    {
        if (type is null || TargetBlock is null)
        {
            return false;
        }

        foreach (var implemented in type.OriginalDefinition.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, TargetBlock))
            {
                return true;
            }
        }

        return false;
    }

    private static IMethodSymbol? SingleMethod(INamedTypeSymbol? type, string name)
    {
        foreach (var method in SymbolSets.Methods(type, name))
        {
            if (method.Parameters.IsEmpty)
            {
                return method;
            }
        }

        return null;
    }
}
