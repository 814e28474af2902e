using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0018's fix, decided where the analyzer knows the works: the statement holding a read can move after the waits that
/// follow it in the same block when that changes nothing but the order of the read and the waits. The statements from
/// the read's up to the waits only read and call library code outside <c>System.Threading</c> (nothing the work could
/// wait for, nothing of the program), declare nothing the waits use, and the waits, untimed, cover every work the read
/// races with (<c>t.Join()</c>, <c>task.Wait()</c>, <c>await task</c>, <c>Task.WaitAll(a, b)</c>, <c>await Task.WhenAll(a, b)</c>).
/// </summary>
internal static class ReadMove
{
    /// <summary>
    /// The first and the last of the wait statements to move the read's statement (and those after it, up to the first
    /// wait) after; null when no move is exactly safe.
    /// </summary>
    public static (SyntaxNode FirstWait, SyntaxNode LastWait)? WaitStatementsToMoveAfter(IOperation read, IEnumerable<LaunchedWork> works, ThreadingModel model, BlockingWaits waits)
    {
        var statement = read;
        while (statement.Parent is { } parent and not IBlockOperation)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }

            statement = parent;
        }

        if (statement.Parent is not IBlockOperation { Syntax: BlockSyntax } block ||
            statement is not (IExpressionStatementOperation or IVariableDeclarationGroupOperation) ||
            statement.Syntax.Parent is LabeledStatementSyntax)
        {
            return null;
        }

        var statements = block.Operations;
        var index = statements.IndexOf(statement);
        var first = index;
        while (first < statements.Length && WaitedHandles(statements[first], model, waits) is null)
        {
            if (!ReadsOnly(statements[first], model, waits))
            {
                return null;
            }

            first++;
        }

        var covered = new List<AccessPath>();
        var last = first;
        while (last < statements.Length && WaitedHandles(statements[last], model, waits) is { } handles)
        {
            covered.AddRange(handles);
            last++;
        }

        if (first >= statements.Length || first == index ||
            !works.All(w => w.Handle is { } handle && covered.Contains(handle)))
        {
            return null;
        }

        var declared = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var i = index; i < first; i++)
        {
            foreach (var declarator in statements[i].DescendantsAndSelf().OfType<IVariableDeclaratorOperation>())
            {
                declared.Add(declarator.Symbol);
            }
        }

        for (var i = first; i < last; i++)
        {
            if (statements[i].DescendantsAndSelf().OfType<ILocalReferenceOperation>().Any(r => declared.Contains(r.Local)))
            {
                return null;
            }
        }

        return (statements[first].Syntax, statements[last - 1].Syntax);
    }

    /// <summary>The handles an untimed wait statement waits for (empty for other waits); null when it is not a wait statement.</summary>
    private static List<AccessPath>? WaitedHandles(IOperation statement, ThreadingModel model, BlockingWaits waits)
    {
        if (statement is not IExpressionStatementOperation { Operation: var expression } || statement.Syntax.Parent is LabeledStatementSyntax)
        {
            return null;
        }

        expression = StartApi.Unwrap(expression)!;
        if (expression is IInvocationOperation { Instance: not null, Arguments.IsEmpty: false } timed && waits.IsWait(timed))
        {
            // t.Join(1000): may return before the work is done.
            return new List<AccessPath>();
        }

        return expression is IAwaitOperation || waits.IsWait(expression) ? HandlesOf(expression, model, waits) : null;
    }

    /// <summary>
    /// The thread and task paths a wait waits for: <c>t.Join()</c>, <c>task.Wait(…)</c>, <c>task.Result</c>,
    /// <c>task.GetAwaiter().GetResult()</c>, <c>await task</c> (through <c>ConfigureAwait</c>), <c>Task.WaitAll(a, b)</c>,
    /// <c>await Task.WhenAll(a, b)</c>. Empty for waits on anything else (events, semaphores…).
    /// </summary>
    public static List<AccessPath> HandlesOf(IOperation wait, ThreadingModel model, BlockingWaits waits)
    {
        var handles = new List<AccessPath>();
        switch (wait)
        {
            case IAwaitOperation { Operation: var awaited }:
                awaited = StartApi.Unwrap(awaited)!;
                if (awaited is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                {
                    awaited = StartApi.Unwrap(configured)!;
                }

                AddHandles(awaited, model, handles);
                break;
            case IInvocationOperation invocation:
                AddHandles(invocation.Instance is IInvocationOperation getAwaiter && waits.IsGetAwaiter(getAwaiter) ? getAwaiter.Instance : invocation.Instance, model, handles);
                if (invocation.Instance is null)
                {
                    foreach (var argument in invocation.Arguments)
                    {
                        AddHandles(argument.Value, model, handles);
                    }
                }

                break;
            case IPropertyReferenceOperation property:
                AddHandles(property.Instance, model, handles);
                break;
        }

        return handles;
    }

    /// <summary>A task or thread path; the elements of <c>WhenAll(a, b)</c> or of a <c>params</c> array.</summary>
    private static void AddHandles(IOperation? operation, ThreadingModel model, List<AccessPath> handles)
    {
        operation = StartApi.Unwrap(operation);
        switch (operation)
        {
            case IInvocationOperation whenAll when model.Tasks.WhenAllMethods.ContainsMethod(whenAll.TargetMethod):
                foreach (var argument in whenAll.Arguments)
                {
                    AddHandles(argument.Value, model, handles);
                }

                break;
            case IArrayCreationOperation { Initializer: { } initializer }:
                foreach (var element in initializer.ElementValues)
                {
                    AddHandles(element, model, handles);
                }

                break;
            default:
                if (AccessPath.Create(operation) is { } path)
                {
                    handles.Add(path);
                }

                break;
        }
    }

    /// <summary>Reads, and calls library code that cannot take part in a hand-off with the work.</summary>
    private static bool ReadsOnly(IOperation statement, ThreadingModel model, BlockingWaits waits)
    {
        if (statement is not (IExpressionStatementOperation or IVariableDeclarationGroupOperation) || statement.Syntax.Parent is LabeledStatementSyntax)
        {
            return false;
        }

        foreach (var operation in statement.DescendantsAndSelf())
        {
            var safe = operation switch
            {
                IAwaitOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or IAssignmentOperation or
                    IIncrementOrDecrementOperation or IEventAssignmentOperation or IDeconstructionAssignmentOperation => false,
                IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation => false,
                IArgumentOperation argument => argument.Parameter?.RefKind is null or RefKind.None or RefKind.In,
                IInvocationOperation invocation => !waits.IsWait(invocation) && IsHarmless(invocation.TargetMethod, invocation.Instance),
                IObjectCreationOperation creation => creation.Constructor is { } constructor && IsHarmless(constructor, null),
                IPropertyReferenceOperation property => !waits.IsWait(property) && (InMetadata(property.Property) || AccessPath.Create(property) is not null),
                _ => true,
            };
            if (!safe)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Library code outside <c>System.Threading</c> and <c>System.Collections.Concurrent</c>: a static method, or an
    /// instance method of a string, a primitive, or <c>ToString</c>/<c>Equals</c>/<c>GetHashCode</c>.
    /// </summary>
    private static bool IsHarmless(IMethodSymbol method, IOperation? instance)
    {
        if (!InMetadata(method) || method.MethodKind == MethodKind.DelegateInvoke || InThreadingNamespace(method.ContainingType))
        {
            return false;
        }

        return instance is null || method.IsStatic ||
               method.Name is "ToString" or "Equals" or "GetHashCode" ||
               instance.Type?.SpecialType is not (SpecialType.None or SpecialType.System_Object);
    }

    private static bool InMetadata(ISymbol symbol) => symbol.Locations.Length > 0 && symbol.Locations[0].IsInMetadata;

    private static bool InThreadingNamespace(INamedTypeSymbol? type)
    {
        for (var ns = type?.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (ns.ContainingNamespace is { ContainingNamespace.IsGlobalNamespace: true, Name: "System" } &&
                ns.Name is "Threading" or "Collections")
            {
                return ns.Name == "Threading" || ContainsConcurrent(type!.ContainingNamespace);
            }
        }

        return false;
    }

    private static bool ContainsConcurrent(INamespaceSymbol? ns)
    {
        for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (ns.Name == "Concurrent")
            {
                return true;
            }
        }

        return false;
    }
}
