using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0004: <c>lock (a) { S1; lock (b) { B } S2; }</c> → <c>lock (b) { lock (a) { S1; B; S2; } }</c> when the wanted order
/// is <c>b</c> then <c>a</c>. The statements beside the inner lock then also run while <c>b</c> is held, which is safe
/// only when they take no lock themselves: they call no method, constructor, accessor or operator declared in source
/// (which could take one), invoke no delegate and no lock API, and do not change what <c>b</c> names; both locked
/// expressions are plain variables or member chains, so evaluating them earlier or later changes nothing.
/// </summary>
internal static class TW0004LockHoist
{
    public static bool CanHoist(SemanticModel model, LockStatementSyntax inner, LockStatementSyntax outer, CancellationToken cancellationToken)
    {
        if (outer.Statement is not BlockSyntax block || inner.Parent != block || !IsPlain(outer.Expression) || !IsPlain(inner.Expression))
        {
            return false;
        }

        var locks = ThreadingModel.Get(model.Compilation).Locks;
        var innerSymbols = new HashSet<ISymbol>(
            inner.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Select(n => model.GetSymbolInfo(n, cancellationToken).Symbol).Where(s => s is not null)!,
            SymbolEqualityComparer.Default);
        var index = block.Statements.IndexOf(inner);
        for (var i = 0; i < block.Statements.Count; i++)
        {
            if (i == index)
            {
                continue;
            }

            var operation = model.GetOperation(block.Statements[i], cancellationToken);
            if (operation is null)
            {
                return false;
            }

            foreach (var node in operation.DescendantsAndSelf())
            {
                if (MayTakeALock(node, locks) || (i < index && Changes(node, innerSymbols)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The rewritten outer lock (<paramref name="outer"/> still in its tree). When every line of the body starts with
    /// its own statement, the layout is written here (statements beside the inner lock move one level deeper, the inner
    /// body stays where it is); otherwise the formatter lays it out.
    /// </summary>
    public static SyntaxNode Hoist(LockStatementSyntax outer, SyntaxTrivia newLine)
    {
        if (outer.Statement is not BlockSyntax block || block.Statements.OfType<LockStatementSyntax>().FirstOrDefault(IsInner) is not { } inner)
        {
            return outer;
        }

        bool IsInner(LockStatementSyntax candidate) => NestedLocks.TryGet(candidate.Expression, out var i, out var o) && i == candidate && o == outer;

        var comments = inner.GetLeadingTrivia().Concat(inner.CloseParenToken.TrailingTrivia)
            .Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia))
            .ToList();
        var body = inner.Statement as BlockSyntax ?? SyntaxFactory.Block(inner.Statement);
        var explicitLayout = Indentation.StartsALine(block.OpenBraceToken) && Indentation.StartsALine(block.CloseBraceToken) &&
                             block.Statements.All(st => Indentation.StartsALine(st.GetFirstToken())) &&
                             body.Statements.All(st => Indentation.StartsALine(st.GetFirstToken()));
        if (!explicitLayout)
        {
            return Formatted(outer, block, inner, body, comments);
        }

        var level = Indentation.OfLine(block.Statements[0].GetFirstToken());
        var unit = Indentation.Unit(Indentation.OfLine(block.OpenBraceToken), level);
        var deeper = level + unit;
        var statements = new List<StatementSyntax>();
        foreach (var statement in block.Statements)
        {
            if (statement != inner)
            {
                statements.Add(Indentation.Shift(statement, unit));
                continue;
            }

            var moved = MovedBody(body).ToList();
            if (comments.Count > 0)
            {
                var lines = comments.SelectMany(c => new[] { SyntaxFactory.Whitespace(deeper), c, newLine });
                if (moved.Count == 0)
                {
                    continue;
                }

                moved[0] = moved[0].WithLeadingTrivia(lines.Concat(moved[0].GetLeadingTrivia()));
            }

            statements.AddRange(moved);
        }

        var newInner = SyntaxFactory.LockStatement(
            SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(level)), SyntaxKind.LockKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)),
            SyntaxFactory.Token(SyntaxKind.OpenParenToken),
            outer.Expression.WithoutTrivia(),
            SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseParenToken, SyntaxFactory.TriviaList(newLine)),
            SyntaxFactory.Block(
                SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(level)), SyntaxKind.OpenBraceToken, SyntaxFactory.TriviaList(newLine)),
                SyntaxFactory.List(statements),
                SyntaxFactory.Token(SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(level)), SyntaxKind.CloseBraceToken, SyntaxFactory.TriviaList(newLine))));
        return outer
            .WithExpression(inner.Expression.WithTriviaFrom(outer.Expression))
            .WithStatement(block.WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(newInner)));
    }

    /// <summary>The inner body's statements, or the body as one block when it declares locals that could clash with the outer body's.</summary>
    private static IEnumerable<StatementSyntax> MovedBody(BlockSyntax body) =>
        body.Statements.Any(s => s is LocalDeclarationStatementSyntax or LocalFunctionStatementSyntax)
            ? new[] { (StatementSyntax)body }
            : body.Statements;

    private static SyntaxNode Formatted(LockStatementSyntax outer, BlockSyntax block, LockStatementSyntax inner, BlockSyntax body, List<SyntaxTrivia> comments)
    {
        var moved = MovedBody(body).ToList();
        if (moved.Count > 0 && comments.Count > 0)
        {
            var lines = comments.SelectMany(c => new[] { c, SyntaxFactory.ElasticCarriageReturnLineFeed });
            moved[0] = moved[0].WithLeadingTrivia(lines.Concat(moved[0].GetLeadingTrivia()));
        }

        var index = block.Statements.IndexOf(inner);
        var statements = block.Statements.Take(index).Concat(moved).Concat(block.Statements.Skip(index + 1));
        var newInner = SyntaxFactory.LockStatement(outer.Expression.WithoutTrivia(), block.WithStatements(SyntaxFactory.List(statements)))
            .WithAdditionalAnnotations(Formatter.Annotation);
        return outer
            .WithExpression(inner.Expression.WithTriviaFrom(outer.Expression))
            .WithStatement(SyntaxFactory.Block(newInner).WithTriviaFrom(block))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary><c>_a</c>, <c>this._a</c>, <c>from.Sync</c>, <c>Owner._gate</c>: nothing to evaluate but variables.</summary>
    private static bool IsPlain(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax or ThisExpressionSyntax => true,
        MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access => IsPlain(access.Expression),
        ParenthesizedExpressionSyntax parenthesized => IsPlain(parenthesized.Expression),
        _ => false,
    };

    private static bool MayTakeALock(IOperation operation, LockApi locks) => operation switch
    {
        IInvocationOperation invocation => invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke ||
                                           InSource(invocation.TargetMethod) || locks.TryGetAction(invocation, out _),
        IObjectCreationOperation creation => creation.Constructor is null || InSource(creation.Constructor) || InSource(creation.Type),
        IPropertyReferenceOperation property => InSource(property.Property),
        IEventReferenceOperation or IEventAssignmentOperation or IRaiseEventOperation => true,
        IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation => true,
        IConversionOperation conversion => InSource(conversion.OperatorMethod),
        IBinaryOperation binary => InSource(binary.OperatorMethod),
        IUnaryOperation unary => InSource(unary.OperatorMethod),
        IIncrementOrDecrementOperation step => InSource(step.OperatorMethod),
        ICompoundAssignmentOperation compound => InSource(compound.OperatorMethod),
        IForEachLoopOperation loop => InSource(loop.Collection.Type) || loop.Collection is IConversionOperation { Operand.Type: { } t } && InSource(t),
        IUsingOperation or IUsingDeclarationOperation => true,
        IMethodReferenceOperation or IAnonymousFunctionOperation => false,
        _ => false,
    };

    /// <summary>A write (or a ref/out pass) to something the inner lock's expression reads.</summary>
    private static bool Changes(IOperation operation, HashSet<ISymbol> read)
    {
        var target = operation switch
        {
            IAssignmentOperation assignment => assignment.Target,
            IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
            _ => null,
        };
        var symbol = target switch
        {
            ILocalReferenceOperation local => (ISymbol)local.Local,
            IFieldReferenceOperation field => field.Field,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        return (symbol is not null && read.Contains(symbol)) || (operation is IVariableDeclaratorOperation declarator && read.Contains(declarator.Symbol));
    }

    private static bool InSource(ISymbol? symbol) =>
        symbol is not null && (symbol.Locations.Any(l => l.IsInSource) ||
                               (symbol is IMethodSymbol { AssociatedSymbol: { } associated } && associated.Locations.Any(l => l.IsInSource)));
}
