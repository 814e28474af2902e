using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0016's early-leave shape (<c>if (_started) return; … _started = true;</c>): the statements the lock must hold,
/// from the guard clause through the last later statement of its block that writes what the guard reads. Widened to the
/// end of the block when a local (or local function) declared in that span is used after it, so nothing goes out of
/// scope. Null when the <c>if</c> is not a guard clause of a block, when nothing after it writes what it reads, or when
/// the span cannot sit in a <c>lock</c> (it awaits or yields, or holds a label).
/// </summary>
internal sealed class TW0016GuardSpan
{
    private TW0016GuardSpan(BlockSyntax block, int first, int last, ISymbol storage)
    {
        Block = block;
        First = first;
        Last = last;
        Storage = storage;
    }

    public BlockSyntax Block { get; }

    public int First { get; }

    public int Last { get; }

    /// <summary>The field, property or local the guard checks and the span writes.</summary>
    public ISymbol Storage { get; }

    public IEnumerable<StatementSyntax> Statements => Block.Statements.Skip(First).Take(Last - First + 1);

    public Microsoft.CodeAnalysis.Text.TextSpan Span => Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(Block.Statements[First].SpanStart, Block.Statements[Last].Span.End);

    public static TW0016GuardSpan? TryCreate(SemanticModel model, IfStatementSyntax guard, CancellationToken cancellationToken)
    {
        if (!IsGuardClause(guard) || guard.Parent is not BlockSyntax block)
        {
            return null;
        }

        var first = block.Statements.IndexOf(guard);
        if (LastWrite(model, block, first, cancellationToken) is not var (last, storage))
        {
            return null;
        }

        // A later guard clause that the lock now holds keeps its own act under it too (no check locked, act outside).
        for (var i = first + 1; i <= last; i++)
        {
            if (block.Statements[i] is IfStatementSyntax inner && IsGuardClause(inner) && LastWrite(model, block, i, cancellationToken) is var (innerLast, _) && innerLast > last)
            {
                last = innerLast;
            }
        }

        if (DeclaresWhatIsUsedAfter(model, block, first, last, cancellationToken))
        {
            last = block.Statements.Count - 1;
        }

        for (var i = first; i <= last; i++)
        {
            if (block.Statements[i] is LabeledStatementSyntax || LockRegionPlan.AwaitsOrYields(block.Statements[i]))
            {
                return null;
            }
        }

        return new TW0016GuardSpan(block, first, last, storage);
    }

    /// <summary>The last statement after the guard at <paramref name="index"/> that writes what its condition reads, and what it writes.</summary>
    private static (int Last, ISymbol Storage)? LastWrite(SemanticModel model, BlockSyntax block, int index, CancellationToken cancellationToken)
    {
        if (model.GetOperation(((IfStatementSyntax)block.Statements[index]).Condition, cancellationToken) is not { } condition)
        {
            return null;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (Symbol(operation) is { } symbol)
            {
                read.Add(symbol);
            }
        }

        (int, ISymbol)? result = null;
        for (var i = index + 1; i < block.Statements.Count; i++)
        {
            if (Written(model, block.Statements[i], read, cancellationToken) is { } written)
            {
                result = (i, result?.Item2 ?? written);
            }
        }

        return result;
    }

    /// <summary>An <c>if</c> with no <c>else</c>, in a block, whose branch always leaves the rest of the block.</summary>
    public static bool IsGuardClause(IfStatementSyntax statement) => statement.Parent is BlockSyntax && AlwaysLeaves(statement);

    /// <summary>An <c>if</c> with no <c>else</c> whose branch always leaves: what follows it runs only when its condition was false.</summary>
    public static bool AlwaysLeaves(IfStatementSyntax statement) => statement.Else is null && AlwaysLeaves(statement.Statement);

    /// <summary>The branch ends in <c>return</c>, <c>throw</c>, <c>break</c> or <c>continue</c> (as the analyzer's guard clause).</summary>
    private static bool AlwaysLeaves(StatementSyntax statement) => statement switch
    {
        BlockSyntax { Statements: { Count: > 0 } statements } => AlwaysLeaves(statements[statements.Count - 1]),
        ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax => true,
        YieldStatementSyntax yield => yield.IsKind(SyntaxKind.YieldBreakStatement),
        ExpressionStatementSyntax { Expression: ThrowExpressionSyntax } => true,
        _ => false,
    };

    /// <summary>A write in <paramref name="statement"/> (outside lambdas and local functions) of one of <paramref name="read"/>.</summary>
    private static ISymbol? Written(SemanticModel model, StatementSyntax statement, HashSet<ISymbol> read, CancellationToken cancellationToken)
    {
        if (model.GetOperation(statement, cancellationToken) is not { } root)
        {
            return null;
        }

        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                continue;
            }

            var target = operation switch
            {
                IIncrementOrDecrementOperation i => i.Target,
                IAssignmentOperation a => a.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref } argument => argument.Value,
                _ => null,
            };
            if (target is not null && Symbol(target) is { } written && read.Contains(written))
            {
                return written;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return null;
    }

    private static ISymbol? Symbol(IOperation operation) => operation switch
    {
        IFieldReferenceOperation f => f.Field,
        IPropertyReferenceOperation p => p.Property,
        ILocalReferenceOperation l => l.Local,
        IParameterReferenceOperation p => p.Parameter,
        _ => null,
    };

    private static bool DeclaresWhatIsUsedAfter(SemanticModel model, BlockSyntax block, int first, int last, CancellationToken cancellationToken)
    {
        var declared = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var i = first; i <= last; i++)
        {
            if (block.Statements[i] is LocalFunctionStatementSyntax function && model.GetDeclaredSymbol(function, cancellationToken) is { } symbol)
            {
                declared.Add(symbol);
            }
        }

        var flow = model.AnalyzeDataFlow(block.Statements[first], block.Statements[last]);
        if (flow is null || !flow.Succeeded)
        {
            return true;
        }

        declared.UnionWith(flow.VariablesDeclared);

        return declared.Count > 0 && block.Statements.Skip(last + 1).Any(s => s.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Any(name => model.GetSymbolInfo(name, cancellationToken).Symbol is { } used && declared.Contains(used)));
    }
}
