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
/// TW0002: replaces the direct call of a thread's body with the start of the thread: <c>w.Run()</c> → <c>w.Start()</c>
/// (the type's parameterless starting method), or <c>Work()</c> → <c>t.Start()</c> for the never-started local thread.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0002ThreadBodyCalledDirectlyCodeFix))]
[Shared]
public sealed class TW0002ThreadBodyCalledDirectlyCodeFix : ThreadWiseCodeFixProvider
{
    public const string CallStartKey = "TW0002.CallStart";
    public const string StartThreadKey = "TW0002.StartThread";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadBodyCalledDirectly);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Replacement(scope.Root, scope.Model, diagnostic, cancellationToken) is { } replacement)
        {
            yield return new FixOption($"Call '{replacement.New}' instead", KeyOf(diagnostic));
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (var (diagnostic, _) in fixes)
        {
            if (Replacement(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is { } replacement)
            {
                editor.ReplaceNode(replacement.Old, replacement.New.WithTriviaFrom(replacement.Old));
            }
        }

        return editor.GetChangedDocument();
    }

    private static string KeyOf(Diagnostic diagnostic) =>
        diagnostic.Properties.ContainsKey(TW0002ThreadBodyCalledDirectlyAnalyzer.StarterProperty) ? CallStartKey : StartThreadKey;

    /// <summary>
    /// <c>new Thread(() => Work(1))</c> and the direct call <c>Work(1)</c>: the thread's body is that very call (same
    /// method, arguments that are constants), so starting the thread runs exactly what the call ran.
    /// </summary>
    private static bool RunsTheSameCall(SyntaxNode creation, InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        var arguments = (creation.FirstAncestorOrSelf<BaseObjectCreationExpressionSyntax>() ?? creation.DescendantNodesAndSelf().OfType<BaseObjectCreationExpressionSyntax>().FirstOrDefault())
            ?.ArgumentList?.Arguments;
        if (arguments is not { Count: 1 } ||
            arguments.Value[0].Expression is not (ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } or
                AnonymousMethodExpressionSyntax { ParameterList: null or { Parameters.Count: 0 } }) ||
            arguments.Value[0].Expression is not AnonymousFunctionExpressionSyntax lambda)
        {
            return false;
        }

        var body = lambda.ExpressionBody ?? (lambda.Block is { Statements: [ExpressionStatementSyntax only] } ? only.Expression : null);
        return body is InvocationExpressionSyntax inner && inner.IsEquivalentTo(call, topLevel: false) &&
               SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(inner, cancellationToken).Symbol, model.GetSymbolInfo(call, cancellationToken).Symbol) &&
               call.ArgumentList.Arguments.All(a => a.RefKindKeyword.IsKind(SyntaxKind.None) && model.GetConstantValue(a.Expression, cancellationToken).HasValue);
    }

    /// <summary>The call to replace and its replacement; null when the fix does not apply.</summary>
    private static (InvocationExpressionSyntax Old, InvocationExpressionSyntax New)? Replacement(
        SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call ||
            call.Span != diagnostic.Location.SourceSpan ||
            call.Parent is not ExpressionStatementSyntax)
        {
            return null;
        }

        if (diagnostic.Properties.TryGetValue(TW0002ThreadBodyCalledDirectlyAnalyzer.StarterProperty, out var starter) && starter is not null)
        {
            return call.ArgumentList.Arguments.Count == 0 && call.Expression is MemberAccessExpressionSyntax access
                ? (call, call.WithExpression(access.WithName(SyntaxFactory.IdentifierName(starter))))
                : null;
        }

        if (!diagnostic.Properties.TryGetValue(TW0002ThreadBodyCalledDirectlyAnalyzer.ThreadProperty, out var name) || name is null ||
            diagnostic.AdditionalLocations.Count == 0 ||
            root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not { } creation ||
            creation.FirstAncestorOrSelf<VariableDeclaratorSyntax>() is not { } declarator ||
            model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local ||
            local.Name != name ||
            !model.LookupSymbols(call.SpanStart, name: name).Contains(local, SymbolEqualityComparer.Default) ||
            (call.ArgumentList.Arguments.Count != 0 && !RunsTheSameCall(creation, call, model, cancellationToken)))
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
