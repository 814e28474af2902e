using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>The shape a lock region is rewritten to.</summary>
internal enum LockRegionShape
{
    TryFinally,
    LockStatement,
    EnterAsyncScope,
}

/// <summary>
/// Rewrites one statement list for a set of <see cref="LockRegionPlan"/>s: each region becomes
/// <c>try { region } finally { release }</c> (or <c>lock (o) { region }</c>). Regions nested in another region are
/// rewritten inside it; a region that overlaps another without nesting is left alone.
/// </summary>
internal static class LockRegionRewriter
{
    /// <param name="container">The statement list as rewritten so far (nested lists already done); same items as the plans saw.</param>
    /// <param name="plans">The regions of this list, each with the shape chosen for it.</param>
    public static SyntaxNode Rewrite(SyntaxNode container, IReadOnlyDictionary<LockRegionPlan, LockRegionShape> plans)
    {
        var items = LockRegionPlan.Items(container);
        var isTopLevel = container is CompilationUnitSyntax;
        var used = new HashSet<LockRegionPlan>();
        var result = Build(items, 0, items.Count, plans, used, isTopLevel);
        return container switch
        {
            BlockSyntax block => block.WithStatements(SyntaxFactory.List(result.Cast<StatementSyntax>())),
            SwitchSectionSyntax section => section.WithStatements(SyntaxFactory.List(result.Cast<StatementSyntax>())),
            CompilationUnitSyntax unit => unit.WithMembers(SyntaxFactory.List(result.Cast<MemberDeclarationSyntax>())),
            _ => container,
        };
    }

    private static List<SyntaxNode> Build(List<SyntaxNode> items, int from, int to, IReadOnlyDictionary<LockRegionPlan, LockRegionShape> plans, HashSet<LockRegionPlan> used, bool isTopLevel)
    {
        var result = new List<SyntaxNode>();
        var i = from;
        while (i < to)
        {
            var plan = plans.Keys.FirstOrDefault(p => p.First == i && p.ReleaseIndex < to && !used.Contains(p));
            if (plan is null)
            {
                if (items[i] is not null)
                {
                    result.Add(items[i]);
                }

                i++;
                continue;
            }

            used.Add(plan);
            var shape = plans[plan];

            // Locals read after the release are declared before the acquisition and assigned in the region.
            var regionItems = items;
            if (plan.Hoisted.Count > 0)
            {
                regionItems = new List<SyntaxNode>(items);
                var declarations = new List<StatementSyntax>();
                foreach (var hoist in plan.Hoisted)
                {
                    var endOfLine = items[plan.First].GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                    declarations.Add(hoist.Declaration.WithTrailingTrivia(
                        endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : SyntaxFactory.ElasticCarriageReturnLineFeed));
                    regionItems[hoist.Index] = hoist.Assignment is null ? null! : Unwrap(items[hoist.Index], hoist.Assignment, isTopLevel);
                }

                var opening = StatementEditing.LeadingBlankLines(items[plan.First]);
                declarations[0] = declarations[0].WithLeadingTrivia(opening);
                result.AddRange(declarations.Select(d => Wrap(d, isTopLevel)));
                if (opening.Count > 0)
                {
                    regionItems[plan.First] = StatementEditing.WithoutLeadingBlankLines(items[plan.First]);
                    if (plan.AcquireIndex >= 0)
                    {
                        items = new List<SyntaxNode>(items) { [plan.First] = regionItems[plan.First] };
                    }
                }
            }

            if (plan.EarlyReleases.Count > 0)
            {
                regionItems = regionItems == items ? new List<SyntaxNode>(items) : regionItems;
                for (var r = plan.RegionStart; r < plan.ReleaseIndex; r++)
                {
                    regionItems[r] = regionItems[r] is { } item ? WithoutEarlyReleases(item, plan.EarlyReleases) : null!;
                }
            }

            var region = Build(regionItems, plan.RegionStart, plan.ReleaseIndex, plans, used, isTopLevel);
            var regionStatements = region.Where(n => n is not null).Select(n => LockRegionPlan.Statement(n)!).ToList();
            if (shape == LockRegionShape.EnterAsyncScope && plan.EnterAsyncExpression is { } enter)
            {
                var acquire = items[plan.AcquireIndex];
                StatementSyntax usingStatement = SyntaxFactory.UsingStatement(Body(regionStatements))
                    .WithExpression(enter)
                    .WithLeadingTrivia(acquire.GetLeadingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                result.Add(Wrap(usingStatement, isTopLevel));
            }
            else if (shape == LockRegionShape.LockStatement && plan.LockExpression is { } lockExpression)
            {
                var acquire = items[plan.AcquireIndex];
                StatementSyntax lockStatement = SyntaxFactory.LockStatement(lockExpression.WithoutTrivia(), Body(regionStatements))
                    .WithLeadingTrivia(acquire.GetLeadingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                result.Add(Wrap(lockStatement, isTopLevel));
            }
            else
            {
                if (plan.AcquireIndex >= 0)
                {
                    result.Add(items[plan.AcquireIndex]);
                }

                var release = LockRegionPlan.Statement(items[plan.ReleaseIndex])!;
                var leading = StatementEditing.LeadingBlankLines(regionStatements[0]);
                StatementSyntax tryStatement = SyntaxFactory.TryStatement(
                        Body(regionStatements),
                        default,
                        SyntaxFactory.FinallyClause(SyntaxFactory.Block(StatementEditing.WithoutLeadingBlankLines(release))))
                    .WithLeadingTrivia(leading)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                result.Add(Wrap(tryStatement, isTopLevel));
            }

            i = plan.ReleaseIndex + 1;
        }

        return result;
    }

    /// <summary>
    /// <paramref name="item"/> without its early releases (matched by text: the item may already be rewritten inside),
    /// each a statement followed by a <c>return</c> in its block.
    /// </summary>
    private static SyntaxNode WithoutEarlyReleases(SyntaxNode item, List<ExpressionStatementSyntax> releases)
    {
        var doomed = item.DescendantNodes().OfType<ExpressionStatementSyntax>()
            .Where(s => s.Parent is BlockSyntax block && block.Statements.IndexOf(s) + 1 < block.Statements.Count &&
                        block.Statements[block.Statements.IndexOf(s) + 1] is ReturnStatementSyntax &&
                        releases.Any(r => r.IsEquivalentTo(s, topLevel: false)))
            .ToList();
        return doomed.Count == 0 ? item : item.RemoveNodes(doomed, SyntaxRemoveOptions.KeepNoTrivia)!;
    }

    /// <summary><paramref name="statement"/> in the item's place: wrapped in a global statement at the top level.</summary>
    private static SyntaxNode Unwrap(SyntaxNode item, StatementSyntax statement, bool isTopLevel) =>
        isTopLevel && item is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(statement) : statement;

    private static BlockSyntax Body(List<StatementSyntax> statements)
    {
        if (statements.Count > 0)
        {
            statements[0] = StatementEditing.WithoutLeadingBlankLines(statements[0]);
        }

        return SyntaxFactory.Block(statements);
    }

    private static SyntaxNode Wrap(StatementSyntax statement, bool isTopLevel) =>
        isTopLevel ? SyntaxFactory.GlobalStatement(statement) : statement;
}
