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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using ThreadWise.Analyzers;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0012: declares a copy of the loop variable in the loop body, just before the statement that starts the thread,
/// and makes the lambda read the copy (<c>var index = i;</c> … <c>() =&gt; Process(index)</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0012LoopVariableCapturedByThreadCodeFix))]
[Shared]
public sealed class TW0012LoopVariableCapturedByThreadCodeFix : ThreadWiseCodeFixProvider
{
    public const string CopyInLoopBodyKey = "TW0012.CopyInLoopBody";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LoopVariableCapturedByThread);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan.TryCreate(scope, diagnostic) is { } plan)
        {
            yield return new FixOption($"Copy '{plan.Local.Name}' into a local of the loop body", CopyInLoopBodyKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var scope = new FixScope(document, editor.OriginalRoot, editor.SemanticModel);
        var plans = fixes.Select(f => Plan.TryCreate(scope, f.Diagnostic)).OfType<Plan>().ToList();

        // One copy per statement and variable, however many lambdas of that statement capture it.
        foreach (var group in plans.GroupBy(p => p.Statement))
        {
            var statement = group.Key;
            var taken = new HashSet<string>();
            var declarations = new List<StatementSyntax>();
            var renamed = new HashSet<SyntaxNode>();
            foreach (var byLocal in group.GroupBy(p => p.Local, SymbolEqualityComparer.Default))
            {
                var local = (ILocalSymbol)byLocal.Key!;
                var name = UniqueName(scope.Model, statement, local.Name == "i" ? "index" : "current" + char.ToUpperInvariant(local.Name[0]) + local.Name.Substring(1), taken);
                declarations.Add(SyntaxFactory.ParseStatement($"var {name} = {local.Name};")
                    .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                    .WithTrailingTrivia(EndOfLine(statement))
                    .WithAdditionalAnnotations(Formatter.Annotation));
                foreach (var lambda in byLocal.Select(p => p.Lambda).Distinct())
                {
                    foreach (var use in lambda.DescendantNodes().OfType<IdentifierNameSyntax>())
                    {
                        if (use.Identifier.ValueText == local.Name && renamed.Add(use) &&
                            SymbolEqualityComparer.Default.Equals(scope.Model.GetSymbolInfo(use, cancellationToken).Symbol, local))
                        {
                            editor.ReplaceNode(use, SyntaxFactory.IdentifierName(name).WithTriviaFrom(use));
                        }
                    }
                }
            }

            if (statement.Parent is BlockSyntax or SwitchSectionSyntax)
            {
                // The statement's comments now head the group: the copy, then the statement.
                var leading = statement.GetLeadingTrivia();
                declarations[0] = declarations[0].WithLeadingTrivia(leading);
                for (var i = 1; i < declarations.Count; i++)
                {
                    declarations[i] = declarations[i].WithLeadingTrivia(StatementEditing.Indentation(statement));
                }
                editor.ReplaceNode(statement, (current, _) => current.WithLeadingTrivia(StatementEditing.Indentation(statement)));
                editor.InsertBefore(statement, declarations);
            }
            else
            {
                // The loop's body is this single statement: it becomes a block.
                editor.ReplaceNode(statement, (current, _) => SyntaxFactory.Block(declarations.Concat(new[] { ((StatementSyntax)current).WithLeadingTrivia(SyntaxFactory.ElasticMarker) }))
                    .WithAdditionalAnnotations(Formatter.Annotation));
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>The document's own line ending, taken from the statement the copy goes before.</summary>
    private static SyntaxTrivia EndOfLine(StatementSyntax statement) =>
        statement.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } eol
            ? eol
            : SyntaxFactory.ElasticCarriageReturnLineFeed;

    private static string UniqueName(SemanticModel model, StatementSyntax statement, string wanted, HashSet<string> taken)
    {
        var loop = statement.Ancestors().FirstOrDefault(IsLoop) ?? statement;
        var name = wanted;
        for (var i = 2; taken.Contains(name) || !model.LookupSymbols(statement.SpanStart, name: name).IsEmpty ||
                        loop.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name); i++)
        {
            name = wanted + i;
        }

        taken.Add(name);
        return name;
    }

    private static bool IsLoop(SyntaxNode node) => node is ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or CommonForEachStatementSyntax;

    /// <summary>The variable, the launched lambda that reads it, and the loop-body statement to put the copy before.</summary>
    private sealed record Plan(ILocalSymbol Local, AnonymousFunctionExpressionSyntax Lambda, StatementSyntax Statement)
    {
        public static Plan? TryCreate(FixScope scope, Diagnostic diagnostic)
        {
            if (scope.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not IdentifierNameSyntax use ||
                scope.Model.GetSymbolInfo(use).Symbol is not ILocalSymbol local)
            {
                return null;
            }

            // The loop that changes the variable: the innermost one whose body does not declare it.
            var loop = use.Ancestors().Where(IsLoop).FirstOrDefault(l => !DeclaresInBody(l, local));
            if (loop is null)
            {
                return null;
            }

            // The launched lambda: the outermost one around the use inside that loop.
            var lambda = use.Ancestors().TakeWhile(a => a != loop).OfType<AnonymousFunctionExpressionSyntax>().LastOrDefault();
            var statement = lambda?.Ancestors().TakeWhile(a => a != loop).OfType<StatementSyntax>()
                .FirstOrDefault(s => s.Parent is BlockSyntax or SwitchSectionSyntax || s.Parent == loop);
            return lambda is null || statement is null ? null : new Plan(local, lambda, statement);
        }

        private static bool DeclaresInBody(SyntaxNode loop, ILocalSymbol local)
        {
            var body = loop switch
            {
                ForStatementSyntax f => f.Statement,
                WhileStatementSyntax w => w.Statement,
                DoStatementSyntax d => d.Statement,
                CommonForEachStatementSyntax e => e.Statement,
                _ => null,
            };
            return body is not null && local.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == body.SyntaxTree && body.Span.Contains(r.Span));
        }
    }
}
