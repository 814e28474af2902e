using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Rules;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0002: replaces the direct call of a thread's body with the start of the thread: <c>w.Run()</c> → <c>w.Start()</c>
/// (the type's parameterless starting method), or <c>Work()</c> → <c>t.Start()</c> for the never-started local thread.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0002ThreadBodyCalledDirectlyCodeFix))]
[Shared]
public sealed class TW0002ThreadBodyCalledDirectlyCodeFix : CodeFixProvider
{
    public const string CallStartKey = "TW0002.CallStart";
    public const string StartThreadKey = "TW0002.StartThread";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadBodyCalledDirectly);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(static async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, context.CodeActionEquivalenceKey, context.CancellationToken).ConfigureAwait(false));

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var replacement = Replacement(root, model, diagnostic, context.CancellationToken);
            if (replacement is null)
            {
                continue;
            }

            var key = diagnostic.Properties.ContainsKey(TW0002ThreadBodyCalledDirectlyAnalyzer.StarterProperty) ? CallStartKey : StartThreadKey;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Call '{replacement.Value.New}' instead",
                    ct => ApplyAsync(context.Document, new[] { diagnostic }, key, ct),
                    key),
                diagnostic);
        }
    }

    private static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, string? key, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in diagnostics)
        {
            var isCallStart = diagnostic.Properties.ContainsKey(TW0002ThreadBodyCalledDirectlyAnalyzer.StarterProperty);
            if (key is not null && key != (isCallStart ? CallStartKey : StartThreadKey))
            {
                continue;
            }

            if (Replacement(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is { } replacement)
            {
                editor.ReplaceNode(replacement.Old, replacement.New.WithTriviaFrom(replacement.Old));
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>The call to replace and its replacement; null when the fix does not apply.</summary>
    private static (InvocationExpressionSyntax Old, InvocationExpressionSyntax New)? Replacement(
        SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call ||
            call.Span != diagnostic.Location.SourceSpan ||
            call.Parent is not ExpressionStatementSyntax ||
            call.ArgumentList.Arguments.Count != 0)
        {
            return null;
        }

        if (diagnostic.Properties.TryGetValue(TW0002ThreadBodyCalledDirectlyAnalyzer.StarterProperty, out var starter) && starter is not null)
        {
            return call.Expression is MemberAccessExpressionSyntax access
                ? (call, call.WithExpression(access.WithName(SyntaxFactory.IdentifierName(starter))))
                : null;
        }

        if (!diagnostic.Properties.TryGetValue(TW0002ThreadBodyCalledDirectlyAnalyzer.ThreadProperty, out var name) || name is null ||
            diagnostic.AdditionalLocations.Count == 0 ||
            root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not { } creation ||
            creation.FirstAncestorOrSelf<VariableDeclaratorSyntax>() is not { } declarator ||
            model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local ||
            local.Name != name ||
            !model.LookupSymbols(call.SpanStart, name: name).Contains(local, SymbolEqualityComparer.Default))
        {
            return null;
        }

        // The local is declared with the thread as its initializer, so it is definitely assigned wherever it is in scope.
        // Parsed rather than built so the new tokens carry no elastic trivia (the formatter would move the call to a new line).
        var identifier = SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;
        if (SyntaxFactory.ParseExpression(identifier + ".Start()") is not InvocationExpressionSyntax start || start.ContainsDiagnostics)
        {
            return null;
        }

        return (call, start);
    }
}
