using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadWise.Analyzers.Model;

/// <summary>The syntax shapes the TW0004 fixes rewrite: a <c>lock</c> statement directly inside another one.</summary>
internal static class NestedLocks
{
    /// <summary>
    /// The inner and outer <c>lock</c> statements when <paramref name="innerExpression"/> is the locked expression of a
    /// <c>lock</c> that is a statement of another <c>lock</c>'s body (not inside an <c>if</c> or a loop there).
    /// </summary>
    public static bool TryGet(SyntaxNode? innerExpression, out LockStatementSyntax inner, out LockStatementSyntax outer)
    {
        inner = null!;
        outer = null!;
        if (innerExpression?.Parent is not LockStatementSyntax innerLock || innerLock.Expression != innerExpression)
        {
            return false;
        }

        var container = innerLock.Parent is BlockSyntax block ? block.Parent : innerLock.Parent;
        if (container is not LockStatementSyntax outerLock)
        {
            return false;
        }

        inner = innerLock;
        outer = outerLock;
        return true;
    }

    /// <summary>
    /// True when the two locks can be taken the other way round by rewriting this site alone: the outer lock's body is
    /// only the inner lock (swap the two expressions), or a block that holds the inner lock as one of its statements
    /// beside statements that take no lock, await, yield, jump to a label or declare a local function (the wanted outer
    /// lock then moves out over the whole body; the fix checks the rest with the semantic model).
    /// </summary>
    public static bool CanSwap(LockStatementSyntax inner, LockStatementSyntax outer)
    {
        if (inner.Parent == outer || (inner.Parent is BlockSyntax { Statements.Count: 1 } single && single.Parent == outer))
        {
            return true;
        }

        if (inner.Parent is not BlockSyntax block || block.Parent != outer)
        {
            return false;
        }

        foreach (var statement in block.Statements)
        {
            if (statement != inner && statement.DescendantNodesAndSelf().Any(n => n is LockStatementSyntax or AwaitExpressionSyntax or
                    YieldStatementSyntax or LocalFunctionStatementSyntax or LabeledStatementSyntax or GotoStatementSyntax ||
                    n is CommonForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } ||
                    n is UsingStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } ||
                    n is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the outer lock's body is only the inner lock: swapping the two expressions changes nothing else.</summary>
    public static bool IsDirectPair(LockStatementSyntax inner, LockStatementSyntax outer) =>
        inner.Parent == outer || (inner.Parent is BlockSyntax { Statements.Count: 1 } block && block.Parent == outer);
}
