using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Completables that only one body can complete: a local that the body itself fills with a new collection, channel,
/// dataflow block or worker pool (<c>var q = new BlockingCollection&lt;int&gt;()</c>, <c>var ch = Channel.CreateUnbounded&lt;T&gt;()</c>)
/// and never lets escape (stored in a field, a property, an array or another object, returned, passed to a
/// constructor). When such a body completes it nowhere, nothing ever will (calls it is passed to are judged by the caller).
/// </summary>
internal static class LocalCompletables
{
    /// <summary>True for the creation of a new completable (the cheap question a body is asked first).</summary>
    public static bool IsCreation(IOperation operation, CompletionApi api)
    {
        switch (operation)
        {
            case IObjectCreationOperation { Type: { } type }:
                return type.Is(api.BlockingCollection) || type.Is(api.WorkerPool) || IsBlock(type, api);
            case IInvocationOperation { TargetMethod: { IsStatic: true, ContainingType: { IsStatic: true, Arity: 0 }, ReturnType: var returned } }:
                // Channel.CreateUnbounded<T>() and the other factories of the static Channel class.
                return api.Channel is not null && returned.InheritsFromOrEquals(api.Channel);
            default:
                return false;
        }
    }

    /// <summary>The locals of <paramref name="body"/> (lambdas and local functions included) that hold a completable only this body can complete.</summary>
    public static ImmutableHashSet<AccessPath> Collect(IOperation body, CompletionApi api)
    {
        var created = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        var escaped = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: var value, Symbol: var local } when IsCreation(OperationTree.WithoutImplicitConversions(value), api):
                    created.Add(local);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                    if (IsCreation(OperationTree.WithoutImplicitConversions(assignment.Value), api))
                    {
                        created.Add(target.Local);
                    }
                    else
                    {
                        // Another value (a field's, a parameter's) may be completed by whoever else holds it.
                        escaped.Add(target.Local);
                    }

                    break;
                case ILocalReferenceOperation reference when Escapes(reference, api):
                    escaped.Add(reference.Local);
                    break;
            }
        }

        var result = ImmutableHashSet<AccessPath>.Empty;
        foreach (var local in created)
        {
            if (!escaped.Contains(local) && (local.Type.Is(api.BlockingCollection) || local.Type.Is(api.WorkerPool) ||
                                             local.Type.InheritsFromOrEquals(api.Channel) || IsBlock(local.Type, api)))
            {
                result = result.Add(AccessPath.FromSymbols(ImmutableArray.Create<ISymbol>(local)));
            }
        }

        return result;
    }

    /// <summary>
    /// The code the fix calls to complete <paramref name="key"/> (<c>q.CompleteAdding()</c>, <c>ch.Writer.Complete()</c>,
    /// <c>block.Complete()</c>, <c>pool.Close()</c>), as receiver and method name; false when it cannot be named.
    /// </summary>
    public static bool TryDescribeCompletion(AccessPath key, CompletionApi api, out string receiver, out string method)
    {
        var type = key.Last switch
        {
            ILocalSymbol local => local.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            IParameterSymbol parameter => parameter.Type,
            _ => null,
        };
        receiver = key.Display;
        method = "Complete";
        if (type.Is(api.BlockingCollection))
        {
            method = "CompleteAdding";
            return true;
        }

        if (type.Is(api.WorkerPool))
        {
            method = "Close";
            return true;
        }

        if (type.InheritsFromOrEquals(api.Channel))
        {
            receiver += ".Writer";
            return true;
        }

        return type.InheritsFromOrEquals(api.ChannelWriter) || IsBlock(type, api);
    }

    /// <summary>A dataflow block: <c>IDataflowBlock</c> or a type that implements it.</summary>
    private static bool IsBlock(ITypeSymbol? type, CompletionApi api)
    {
        if (type is null || api.DataflowBlock is null)
        {
            return false;
        }

        if (type.Is(api.DataflowBlock))
        {
            return true;
        }

        // IDataflowBlock is not generic: the definition implements it exactly when a constructed type does, and the
        // definition's interface list is computed once (a constructed type's is substituted on every ask).
        foreach (var implemented in type.OriginalDefinition.AllInterfaces)
        {
            if (implemented.Is(api.DataflowBlock))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A use that lets another owner or name reach the object: copied to any variable or member, returned, captured by a
    /// constructor or an initializer, or put in an array or a tuple. Receivers (<c>q.Add</c>), <c>foreach</c> and
    /// arguments to calls are not escapes here (the caller judges calls by their summaries).
    /// </summary>
    private static bool Escapes(ILocalReferenceOperation reference, CompletionApi api)
    {
        IOperation current = reference;
        while (current.Parent is IConversionOperation or IParenthesizedOperation ||
               (current.Parent is IPropertyReferenceOperation property && property.Instance == current && api.Normalize(property) == current))
        {
            // ch.Writer / ch.Reader name the channel itself.
            current = current.Parent;
        }

        return current.Parent switch
        {
            // Copied anywhere, a local included: the other name may complete it.
            ISimpleAssignmentOperation assignment => assignment.Value == current,
            IVariableInitializerOperation => true,
            IReturnOperation => true,
            IArgumentOperation { Parent: IObjectCreationOperation } => true,
            IArrayInitializerOperation or ITupleOperation => true,
            IAnonymousObjectCreationOperation => true,
            _ => false,
        };
    }
}
