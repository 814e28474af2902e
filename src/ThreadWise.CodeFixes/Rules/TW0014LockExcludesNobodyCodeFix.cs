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
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0014: locks on a dedicated <c>private [static] readonly object</c> field of the type instead (added once per type
/// and staticness, or an existing one reused). For a local lock, every <c>lock</c> on it in the member changes and its
/// declaration goes away.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0014LockExcludesNobodyCodeFix))]
[Shared]
public sealed class TW0014LockExcludesNobodyCodeFix : ThreadWiseCodeFixProvider
{
    public const string UseLockFieldKey = "TW0014.UseLockField";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LockExcludesNobody);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan(scope.Root, scope.Model, diagnostic, cancellationToken) is { } plan)
        {
            var name = LockFields.Choose(scope.Model, plan.Type, plan.IsStatic, cancellationToken, out _);
            yield return new FixOption($"Lock on '{name}' ({(plan.IsStatic ? "static" : "instance")} readonly field)", UseLockFieldKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var fields = new Dictionary<(TypeDeclarationSyntax Type, bool IsStatic), string>();
        var replaced = new HashSet<SyntaxNode>();
        var removed = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, _) in fixes.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            if (Plan(root, model, diagnostic, cancellationToken) is not { } plan)
            {
                continue;
            }

            if (!fields.TryGetValue((plan.Type, plan.IsStatic), out var name))
            {
                name = LockFields.Choose(model, plan.Type, plan.IsStatic, cancellationToken, out var exists);
                fields[(plan.Type, plan.IsStatic)] = name;
                if (!exists)
                {
                    LockFields.Add(editor, plan.Type, name, plan.IsStatic);
                }
            }

            foreach (var expression in plan.LockExpressions)
            {
                if (replaced.Add(expression))
                {
                    editor.ReplaceNode(expression, SyntaxFactory.IdentifierName(name).WithTriviaFrom(expression));
                }
            }

            if (plan.Declaration is { } declaration && removed.Add(declaration))
            {
                RemoveKeepingComments(editor, declaration);
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>Removes the declaration; its comment lines move to the statement after it.</summary>
    private static void RemoveKeepingComments(DocumentEditor editor, StatementSyntax declaration)
    {
        var leading = declaration.GetLeadingTrivia();
        var hasComments = leading.Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
        var statements = declaration.Parent switch
        {
            BlockSyntax block => block.Statements,
            SwitchSectionSyntax section => section.Statements,
            _ => default,
        };
        var index = statements.IndexOf(declaration);
        if (!hasComments || index < 0 || index + 1 >= statements.Count)
        {
            editor.RemoveNode(declaration, hasComments ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia);
            return;
        }

        var count = leading.Count;
        while (count > 0 && leading[count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            count--;
        }

        var comments = SyntaxFactory.TriviaList(leading.Take(count));
        editor.ReplaceNode(statements[index + 1], (current, _) => current.WithLeadingTrivia(comments.AddRange(current.GetLeadingTrivia())));
        editor.RemoveNode(declaration, SyntaxRemoveOptions.KeepNoTrivia);
    }

    private sealed record FixPlan(TypeDeclarationSyntax Type, bool IsStatic, IReadOnlyList<ExpressionSyntax> LockExpressions, StatementSyntax? Declaration);

    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(TW0014LockExcludesNobodyAnalyzer.KindProperty, out var kind) ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax expression ||
            expression.Span != diagnostic.Location.SourceSpan ||
            expression.Parent is not LockStatementSyntax ||
            expression.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type ||
            type is InterfaceDeclarationSyntax)
        {
            return null;
        }

        var isStatic = diagnostic.Properties.TryGetValue(TW0014LockExcludesNobodyAnalyzer.StaticProperty, out var s) && s == "true";
        if (!isStatic && type is StructDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: (int)SyntaxKind.StructKeyword })
        {
            // An instance lock field in a struct is copied with the struct: no fix.
            return null;
        }

        // A partial type spread over several files: only the file of its first part adds the field (Fix All runs per
        // document, and two parts adding it would declare it twice); the others are fixed once the field exists.
        LockFields.Choose(model, type, isStatic, cancellationToken, out var exists);
        if (!exists && model.GetDeclaredSymbol(type, cancellationToken) is { DeclaringSyntaxReferences: { Length: > 1 } parts } &&
            parts[0].SyntaxTree != type.SyntaxTree)
        {
            return null;
        }

        if (kind != "Local")
        {
            return new FixPlan(type, isStatic, new[] { expression }, null);
        }

        // Every lock on the local in its member, and its declaration.
        if (model.GetSymbolInfo(expression, cancellationToken).Symbol is not ILocalSymbol local ||
            local.DeclaringSyntaxReferences.Length != 1 ||
            local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax declarator ||
            declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } ||
            declaration.Parent is not (BlockSyntax or SwitchSectionSyntax) ||
            declaration.FirstAncestorOrSelf<MemberDeclarationSyntax>() is not { } member)
        {
            return null;
        }

        var locks = new List<ExpressionSyntax>();
        foreach (var candidate in member.DescendantNodes().OfType<LockStatementSyntax>())
        {
            if (candidate.Expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == local.Name &&
                SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
            {
                locks.Add(identifier);
            }
        }

        return locks.Contains(expression) ? new FixPlan(type, isStatic, locks, declaration) : null;
    }
}
