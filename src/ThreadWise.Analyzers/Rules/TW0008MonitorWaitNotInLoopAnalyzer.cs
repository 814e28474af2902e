using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0008: <c>if (cond) Monitor.Wait(x);</c> where <c>cond</c> reads shared state and nothing tests it again after the
/// thread wakes (no enclosing loop, no exit from the <c>if</c>, no later test of the same state): the code goes on
/// on a stale predicate when another waiter came first, a pulse was meant for another condition, or a timed wait
/// timed out. One invocation at a time, on the operation tree.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0008MonitorWaitNotInLoopAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when <c>if</c> → <c>while</c> is a safe rewrite (no else, only the untimed wait).</summary>
    public const string CanLoopProperty = "CanLoop";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.MonitorWaitNotInLoop,
        title: "Monitor.Wait guarded by an if instead of a loop",
        messageFormat: "'Monitor.Wait' is guarded by 'if ({0})', which is not tested again after waking: another thread may have made it true again; wait in a 'while' loop",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "A thread returning from Monitor.Wait only knows that something changed: another waiter may have taken " +
                     "the item, the pulse may have been meant for another condition, or a timed wait may have timed out. " +
                     "Wait in a while loop that re-tests the condition.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var waits = SymbolSets.Methods(ThreadingModel.Get(start.Compilation).Locks.Monitor, "Wait");
            if (waits.IsEmpty)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, waits), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ImmutableHashSet<IMethodSymbol> waits)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!waits.ContainsMethod(invocation.TargetMethod) || invocation.Parent is not IExpressionStatementOperation statement)
        {
            return;
        }

        var body = statement.Parent is IBlockOperation block && block.Parent is IConditionalOperation ? block : (IOperation)statement;
        if (body.Parent is not IConditionalOperation { WhenFalse: null, Syntax: IfStatementSyntax ifSyntax } guard || guard.WhenTrue != body ||
            Leaves(body) || !ReadsSharedState(guard.Condition, out var state) || IsRetried(guard) || IsTestedAgain(guard, state) ||
            RegistersBeforeWaiting(guard, state))
        {
            return;
        }

        var canLoop = (body == statement || ((IBlockOperation)body).Operations.Length == 1) && invocation.Arguments.Length == 1;
        var properties = canLoop ? ImmutableDictionary<string, string?>.Empty.Add(CanLoopProperty, "") : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), properties, Shorten(ifSyntax.Condition.ToString())));
    }

    /// <summary>True when the <c>if</c> body jumps away after the wait (<c>return false;</c>, <c>continue</c>, <c>throw</c>).</summary>
    private static bool Leaves(IOperation body)
    {
        foreach (var operation in Descendants(body))
        {
            if (operation is IReturnOperation or IBranchOperation or IThrowOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a loop (or a label a <c>goto</c> can jump back to) around the <c>if</c> runs it again.</summary>
    private static bool IsRetried(IOperation guard)
    {
        var current = guard;
        while (current.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            if (parent is ILoopOperation)
            {
                return true;
            }

            current = parent;
        }

        foreach (var operation in Descendants(current))
        {
            if (operation is ILabeledOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What the condition reads, as chains of symbols (<c>_items.Count</c> → [_items, Count], <c>IsEmpty()</c> →
    /// [IsEmpty]); false when it reads no field, property or method (only locals, parameters and constants).
    /// </summary>
    private static bool ReadsSharedState(IOperation condition, out List<ImmutableArray<ISymbol>> state)
    {
        state = Chains(condition);
        foreach (var chain in state)
        {
            foreach (var symbol in chain)
            {
                if (symbol is IFieldSymbol { IsConst: false } or IPropertySymbol or IMethodSymbol)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The longest read chains in <paramref name="root"/>: member accesses and calls on a local, parameter, <c>this</c> or a static.</summary>
    private static List<ImmutableArray<ISymbol>> Chains(IOperation root)
    {
        var result = new List<ImmutableArray<ISymbol>>();
        foreach (var operation in Descendants(root))
        {
            if (operation is IFieldReferenceOperation or IPropertyReferenceOperation or IInvocationOperation or ILocalReferenceOperation or IParameterReferenceOperation &&
                !IsInstanceOfParent(operation) && TryChain(operation, out var chain))
            {
                result.Add(chain);
            }
        }

        return result;
    }

    private static bool IsInstanceOfParent(IOperation operation)
    {
        var (child, user) = Flow.OperationTree.User(operation);
        return user switch
        {
            IMemberReferenceOperation member => member.Instance == child,
            IInvocationOperation call => call.Instance == child,
            _ => false,
        };
    }

    private static bool TryChain(IOperation? operation, out ImmutableArray<ISymbol> chain)
    {
        var symbols = new List<ISymbol>();
        chain = default;
        while (operation is not null)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    continue;
                case IFieldReferenceOperation field:
                    symbols.Add(field.Field.OriginalDefinition);
                    operation = field.Instance;
                    continue;
                case IPropertyReferenceOperation { Arguments.IsEmpty: true } property:
                    symbols.Add(property.Property.OriginalDefinition);
                    operation = property.Instance;
                    continue;
                case IInvocationOperation invocation:
                    symbols.Add(invocation.TargetMethod.OriginalDefinition);
                    operation = invocation.Instance;
                    continue;
                case ILocalReferenceOperation local:
                    symbols.Add(local.Local);
                    operation = null;
                    continue;
                case IParameterReferenceOperation parameter:
                    symbols.Add(parameter.Parameter);
                    operation = null;
                    continue;
                case IInstanceReferenceOperation:
                    operation = null;
                    continue;
                default:
                    return false;
            }
        }

        symbols.Reverse();
        chain = symbols.ToImmutableArray();
        return chain.Length > 0;
    }

    private static bool SharesAChain(List<ImmutableArray<ISymbol>> left, List<ImmutableArray<ISymbol>> right)
    {
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                if (a.Length == b.Length && System.Linq.Enumerable.SequenceEqual(a, b, SymbolEqualityComparer.Default))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// True when a statement after the <c>if</c> tests the same state again (a condition, or a returned bool), or
    /// returns the tested state itself, directly or through a local copied from it (<c>var n = _served; _served = 0;
    /// return n;</c>): the caller is handed what the waker left, as with a returned bool, and decides.
    /// </summary>
    private static bool IsTestedAgain(IOperation guard, List<ImmutableArray<ISymbol>> state)
    {
        IOperation current = guard;
        var copies = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        while (current.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            if (parent is IBlockOperation block)
            {
                var index = block.Operations.IndexOf(current);
                for (var i = index + 1; i < block.Operations.Length; i++)
                {
                    if (Tests(block.Operations[i], state, copies))
                    {
                        return true;
                    }

                    AddCopies(block.Operations[i], state, copies);
                }
            }

            current = parent;
        }

        return false;
    }

    /// <summary>
    /// True when a statement before the <c>if</c> (in its block) writes the state it tests: the waiter registers itself
    /// (<c>count--; if (count &lt; 0) Monitor.Wait(this);</c>), and each <c>Pulse</c> hands the baton to exactly one waiter.
    /// </summary>
    private static bool RegistersBeforeWaiting(IOperation guard, List<ImmutableArray<ISymbol>> state)
    {
        if (guard.Parent is not IBlockOperation block)
        {
            return false;
        }

        foreach (var statement in block.Operations)
        {
            if (statement == guard)
            {
                break;
            }

            foreach (var operation in Descendants(statement))
            {
                var target = operation switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation increment => increment.Target,
                    _ => null,
                };
                if (target is not null && TryChain(target, out var written) && SharesAChain(new List<ImmutableArray<ISymbol>> { written }, state))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Tests(IOperation statement, List<ImmutableArray<ISymbol>> state, HashSet<ILocalSymbol> copies)
    {
        foreach (var operation in Descendants(statement))
        {
            if (operation is IReturnOperation { ReturnedValue: { } value } && IsState(value, state, copies))
            {
                return true;
            }

            var tested = operation switch
            {
                IConditionalOperation conditional => conditional.Condition,
                IWhileLoopOperation loop => loop.Condition,
                IForLoopOperation loop => loop.Condition,
                IReturnOperation { ReturnedValue.Type.SpecialType: SpecialType.System_Boolean } returned => returned.ReturnedValue,
                _ => null,
            };
            if (tested is not null && SharesAChain(Chains(tested), state))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Locals a statement declares or assigns with exactly the tested state (<c>var n = _served;</c>).</summary>
    private static void AddCopies(IOperation statement, List<ImmutableArray<ISymbol>> state, HashSet<ILocalSymbol> copies)
    {
        foreach (var operation in Descendants(statement))
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator when IsState(initial, state, copies):
                    copies.Add(declarator.Symbol);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                    if (IsState(assignment.Value, state, copies))
                    {
                        copies.Add(target.Local);
                    }
                    else
                    {
                        copies.Remove(target.Local);
                    }

                    break;
            }
        }
    }

    /// <summary>A read of exactly a tested field, property or call chain, or a local copied from one.</summary>
    private static bool IsState(IOperation value, List<ImmutableArray<ISymbol>> state, HashSet<ILocalSymbol> copies)
    {
        value = Flow.OperationTree.WithoutImplicitConversions(value);
        if (value is ILocalReferenceOperation local && copies.Contains(local.Local))
        {
            return true;
        }

        if (!TryChain(value, out var chain) || !SharesAChain(new List<ImmutableArray<ISymbol>> { chain }, state))
        {
            return false;
        }

        foreach (var symbol in chain)
        {
            if (symbol is IFieldSymbol { IsConst: false } or IPropertySymbol or IMethodSymbol)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The operation and everything under it, not entering lambdas or local functions.</summary>
    private static IEnumerable<IOperation> Descendants(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }
    }

    private static string Shorten(string text)
    {
        var folded = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        return folded.Length <= 60 ? folded : folded.Substring(0, 57) + "...";
    }
}
