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
/// TW0015: an <c>if</c> or <c>while</c> that checks a thread-safe collection (<c>IsEmpty</c>, <c>Count</c>,
/// <c>ContainsKey</c>) and then acts on the answer (<c>Take</c>, a <c>Try*</c> whose result is ignored, an indexer
/// write): each call is atomic, the pair is not. Live: the story lies in one method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0015CheckThenActOnConcurrentCollectionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The <see cref="CollectionActKind"/> of the act, for the fixer.</summary>
    internal const string ActProperty = "Act";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.CheckThenActOnConcurrentCollection,
        title: "Check-then-act on a concurrent collection",
        messageFormat: "'{0}' is checked and then {1}, but another thread can change '{2}' in between: {3}",
        RuleCategories.Race,
        DiagnosticSeverity.Warning,
        description: "Every member of a concurrent collection is atomic on its own; a check followed by an act is not. " +
                     "Another consumer can take the item, or another writer can add or remove the key, between the two " +
                     "calls. Use the single atomic member instead: TryDequeue/TryTake/TryRead with the result tested, " +
                     "GetOrAdd, AddOrUpdate, TryAdd or TryUpdate.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            if (!model.Collections.HasAny)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, model), OperationKind.Conditional, OperationKind.Loop);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ThreadingModel model)
    {
        var (condition, region) = context.Operation switch
        {
            IConditionalOperation { Type: null } conditional => (conditional.Condition, ActRegion(conditional)),
            IWhileLoopOperation { ConditionIsTop: true, Condition: { } test } loop => (test, new List<IOperation> { loop.Body }),
            _ => (null, null),
        };
        if (condition is null || region is null)
        {
            return;
        }

        var collections = model.Collections;
        foreach (var check in Walk(condition))
        {
            if (!collections.TryGetCheck(check, out var collection, out var checkKind, out var checkKey) ||
                collections.PathOf(collection) is not { } path)
            {
                continue;
            }

            foreach (var candidate in region)
            {
                foreach (var act in Walk(candidate))
                {
                    if (!collections.TryGetAct(act, out var acted, out var actKind, out var actKey) ||
                        (actKind == CollectionActKind.IndexerWrite) != (checkKind == CollectionCheckKind.Key) ||
                        !path.Equals(collections.PathOf(acted) ?? default) ||
                        (checkKey is not null && !SameKey(checkKey, actKey)) ||
                        (OldValue(check) is { } old && (!Reads(act, old) || IsNotFoundBranch(context.Operation, condition, check, candidate))) ||
                        SharedLock.Holds(act, model.Locks))
                    {
                        // Not the same entry; a TryGetValue whose old value the write ignores, or a write where it
                        // returned false and its out variable holds no entry (a cache refill: at worst computed
                        // twice); an act under a lock of its own (double-checked: it re-checks there).
                        continue;
                    }

                    if (OnlyThisThread(path, check) || SharedLock.Holds(context.Operation, model.Locks))
                    {
                        return;
                    }

                    context.ReportDiagnostic(Diagnostic.Create(
                        Rule,
                        check.Syntax.GetLocation(),
                        ImmutableDictionary<string, string?>.Empty.Add(ActProperty, actKind.ToString()),
                        check.Syntax.ToString(),
                        Describe(act, actKind),
                        path.Display,
                        Advice(act, actKind)));
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Where the act may be: both branches of the <c>if</c>, and the statements after it when the <c>if</c> has no
    /// <c>else</c> and its branch always leaves (<c>if (q.IsEmpty) return; q.TryDequeue(out var x);</c>).
    /// </summary>
    private static List<IOperation> ActRegion(IConditionalOperation conditional)
    {
        var region = new List<IOperation> { conditional.WhenTrue };
        if (conditional.WhenFalse is { } whenFalse)
        {
            region.Add(whenFalse);
        }
        else if (AlwaysLeaves(conditional.WhenTrue) && conditional.Parent is IBlockOperation block)
        {
            var after = false;
            foreach (var statement in block.Operations)
            {
                if (after)
                {
                    region.Add(statement);
                }

                after |= statement == conditional;
            }
        }

        return region;
    }

    private static bool AlwaysLeaves(IOperation statement) => statement switch
    {
        IBlockOperation { Operations.Length: > 0 } block => AlwaysLeaves(block.Operations[block.Operations.Length - 1]),
        IReturnOperation or IBranchOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IThrowOperation => true,
        _ => false,
    };

    /// <summary>The operations under <paramref name="root"/>, not entering lambdas or local functions (they run elsewhere, later).</summary>
    private static IEnumerable<IOperation> Walk(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            yield return operation;
            foreach (var child in operation.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>
    /// The local or parameter <c>TryGetValue(k, out var old)</c> puts the old value in (null for <c>out _</c> and other
    /// checks).
    /// </summary>
    private static ISymbol? OldValue(IOperation check) =>
        check is IInvocationOperation { TargetMethod.Name: "TryGetValue", Arguments.Length: 2 } tryGet
            ? tryGet.Arguments[1].Value switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared } => declared.Local,
                _ => null,
            }
            : null;

    /// <summary>
    /// True when <paramref name="candidate"/> runs only where the <c>TryGetValue</c> <paramref name="check"/> returned
    /// false: its out variable then holds <c>default</c>, not another thread's entry, and a write there adds a missing
    /// entry (<c>if (d.TryGetValue(k, out v)) { } else { v = Make(k); d[k] = v; }</c>). Only a condition that is the
    /// check itself or its negation is read.
    /// </summary>
    private static bool IsNotFoundBranch(IOperation statement, IOperation condition, IOperation check, IOperation candidate)
    {
        var negated = condition is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not && not.Operand == check;
        if (!negated && condition != check)
        {
            return false;
        }

        var inTrue = statement switch
        {
            IConditionalOperation conditional => candidate == conditional.WhenTrue,
            IWhileLoopOperation => true,
            _ => false,
        };
        return inTrue == negated;
    }

    private static bool Reads(IOperation act, ISymbol variable) =>
        act is ISimpleAssignmentOperation assignment &&
        assignment.Value.DescendantsAndSelf().Any(o => o switch
        {
            ILocalReferenceOperation r => SymbolEqualityComparer.Default.Equals(r.Local, variable),
            IParameterReferenceOperation p => SymbolEqualityComparer.Default.Equals(p.Parameter, variable),
            _ => false,
        });

    private static bool SameKey(IOperation checkKey, IOperation? actKey)
    {
        if (actKey is null)
        {
            return false;
        }

        if (checkKey.ConstantValue.HasValue || actKey.ConstantValue.HasValue)
        {
            return checkKey.ConstantValue.HasValue && actKey.ConstantValue.HasValue && Equals(checkKey.ConstantValue.Value, actKey.ConstantValue.Value);
        }

        return AccessPath.Create(checkKey) is { } a && AccessPath.Create(actKey) is { } b && a.Equals(b);
    }

    /// <summary>
    /// A local that only ever holds a collection this method created and never hands to anything else (a lambda, a
    /// method, a field, a return): one thread uses it, so its checks cannot be overtaken.
    /// </summary>
    private static bool OnlyThisThread(AccessPath path, IOperation check) =>
        path.Symbols.Length == 1 && path.Root is ILocalSymbol local && LocalUse.StaysOnThisThread(local, check);

    private static string Describe(IOperation act, CollectionActKind kind) => kind switch
    {
        CollectionActKind.TryTakeIgnored => $"'{Name(act)}' runs with its result ignored",
        CollectionActKind.BlockingTake => $"'{Name(act)}' waits for an item",
        _ => $"'{act.Syntax}' writes the entry",
    };

    private static string Advice(IOperation act, CollectionActKind kind) => kind switch
    {
        CollectionActKind.TryTakeIgnored => $"when another consumer won, the item is used without having been taken; test the result of '{Name(act)}' instead of checking first",
        CollectionActKind.BlockingTake => "when another consumer took the item, this waits for the next one, possibly forever; take with 'TryTake'/'TryRead' and test the result",
        _ => "the entry can be added, removed or updated by another thread in between and that update is lost; use 'TryAdd', 'GetOrAdd', 'AddOrUpdate' or 'TryUpdate'",
    };

    private static string Name(IOperation act) => act is IInvocationOperation invocation ? invocation.TargetMethod.Name : act.Syntax.ToString();
}
