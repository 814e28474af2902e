using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0010: moves the acquisition out of the <c>try</c> block to just before the <c>try</c>, with its comments, so the
/// <c>finally</c> covers only code that runs with the lock held. Offered when the analyzer marked it movable and the
/// <c>try</c> is a statement of a block, a switch section or the top level.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0010AcquireInsideTryCodeFix))]
[Shared]
public sealed class TW0010AcquireInsideTryCodeFix : ThreadWiseCodeFixProvider
{
    public const string MoveAcquireBeforeTryKey = "TW0010.MoveAcquireBeforeTry";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.AcquireInsideTry);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan(scope.Root, diagnostic) is not null)
        {
            yield return new FixOption("Acquire the lock before the try", MoveAcquireBeforeTryKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // Mark every statement to move and its try, then move them one by one (tries may nest).
        var plans = new List<(SyntaxAnnotation Statement, SyntaxAnnotation Try)>();
        var marks = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var (diagnostic, _) in fixes)
        {
            if (Plan(root, diagnostic) is not { } plan || marks.ContainsKey(plan.Statement))
            {
                continue;
            }

            var statementMark = new SyntaxAnnotation();
            marks[plan.Statement] = statementMark;
            if (!marks.TryGetValue(plan.Try, out var tryMark))
            {
                marks[plan.Try] = tryMark = new SyntaxAnnotation();
            }

            plans.Add((statementMark, tryMark));
        }

        if (plans.Count == 0)
        {
            return document;
        }

        root = root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original]));
        foreach (var (statementMark, tryMark) in plans)
        {
            root = Move(root, statementMark, tryMark);
        }

        return document.WithSyntaxRoot(root);
    }

    private sealed record FixPlan(StatementSyntax Statement, TryStatementSyntax Try);

    private static FixPlan? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.ContainsKey(TW0010AcquireInsideTryAnalyzer.MovableProperty) ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call ||
            call.Span != diagnostic.Location.SourceSpan ||
            call.FirstAncestorOrSelf<StatementSyntax>() is not ExpressionStatementSyntax statement ||
            statement.Parent is not BlockSyntax { Parent: TryStatementSyntax tryStatement } ||
            tryStatement.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax))
        {
            return null;
        }

        return new FixPlan(statement, tryStatement);
    }

    private static SyntaxNode Move(SyntaxNode root, SyntaxAnnotation statementMark, SyntaxAnnotation tryMark)
    {
        if (root.GetAnnotatedNodes(tryMark).FirstOrDefault() is not TryStatementSyntax tryStatement ||
            root.GetAnnotatedNodes(statementMark).FirstOrDefault() is not StatementSyntax statement ||
            statement.Parent != tryStatement.Block)
        {
            return root;
        }

        var indentation = StatementEditing.Indentation(tryStatement);
        var endOfLine = statement.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (endOfLine == default)
        {
            endOfLine = SyntaxFactory.EndOfLine("\n");
        }

        // The try's own leading trivia (blank lines, comments) now leads the moved statement, then the statement's comments.
        var leading = SyntaxFactory.TriviaList(tryStatement.GetLeadingTrivia().Take(tryStatement.GetLeadingTrivia().Count - indentation.Count));
        leading = leading.AddRange(indentation);
        foreach (var trivia in statement.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
            {
                leading = leading.Add(trivia).Add(endOfLine).AddRange(indentation);
            }
        }

        var trailing = statement.GetTrailingTrivia();
        if (!trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
        {
            trailing = trailing.Add(endOfLine);
        }

        var moved = statement.WithLeadingTrivia(leading).WithTrailingTrivia(trailing);
        var newTry = tryStatement
            .WithBlock(tryStatement.Block.WithStatements(tryStatement.Block.Statements.Remove(statement)))
            .WithLeadingTrivia(indentation);

        switch (tryStatement.Parent)
        {
            case BlockSyntax block:
                return root.ReplaceNode(block, block.WithStatements(InsertBefore(block.Statements, tryStatement, moved, newTry)));
            case SwitchSectionSyntax section:
                return root.ReplaceNode(section, section.WithStatements(InsertBefore(section.Statements, tryStatement, moved, newTry)));
            case GlobalStatementSyntax global when global.Parent is CompilationUnitSyntax unit:
                var members = unit.Members;
                var index = members.IndexOf(global);
                members = members.Replace(global, global.WithStatement(newTry)).Insert(index, SyntaxFactory.GlobalStatement(moved));
                return root.ReplaceNode(unit, unit.WithMembers(members));
            default:
                return root;
        }
    }

    private static SyntaxList<StatementSyntax> InsertBefore(SyntaxList<StatementSyntax> statements, StatementSyntax old, StatementSyntax moved, StatementSyntax replacement)
    {
        var index = statements.IndexOf(old);
        return statements.Replace(old, replacement).Insert(index, moved);
    }
}
