using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
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
/// TW0008: <c>if (cond) Monitor.Wait(x);</c> → <c>while (cond) Monitor.Wait(x);</c>: the same condition, body, braces and
/// comments, re-tested after every wake-up. Only when the analyzer marked it safe (no <c>else</c>, the untimed wait alone).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0008MonitorWaitNotInLoopCodeFix))]
[Shared]
public sealed class TW0008MonitorWaitNotInLoopCodeFix : ThreadWiseCodeFixProvider
{
    public const string UseWhileLoopKey = "TW0008.UseWhileLoop";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.MonitorWaitNotInLoop);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Guard(scope.Root, diagnostic) is not null)
        {
            yield return new FixOption("Wait in a 'while' loop that re-tests the condition", UseWhileLoopKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var done = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, _) in fixes)
        {
            if (Guard(editor.OriginalRoot, diagnostic) is not { } guard || !done.Add(guard))
            {
                continue;
            }

            editor.ReplaceNode(guard, SyntaxFactory.WhileStatement(
                guard.AttributeLists,
                SyntaxFactory.Token(SyntaxKind.WhileKeyword).WithTriviaFrom(guard.IfKeyword),
                guard.OpenParenToken,
                guard.Condition,
                guard.CloseParenToken,
                guard.Statement));
        }

        return editor.GetChangedDocument();
    }

    private static IfStatementSyntax? Guard(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.ContainsKey(TW0008MonitorWaitNotInLoopAnalyzer.CanLoopProperty) ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement })
        {
            return null;
        }

        var body = statement.Parent is BlockSyntax { Statements.Count: 1 } block ? (SyntaxNode)block : statement;
        return body.Parent is IfStatementSyntax { Else: null } guard && guard.Statement == body ? guard : null;
    }
}
