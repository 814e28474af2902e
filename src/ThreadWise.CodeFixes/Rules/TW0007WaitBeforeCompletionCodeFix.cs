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
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0007: tells the consumers that no more work comes before waiting for them: inserts <c>queue.CompleteAdding();</c>,
/// <c>channel.Writer.Complete();</c>, <c>block.Complete();</c> or <c>pool.Close();</c> (same receiver as the later
/// completion) just before the statement that waits. When the later completion is a plain statement in the same
/// statement list, it moves (so it does not run twice); otherwise it stays, which is offered only when a second call is
/// harmless.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0007WaitBeforeCompletionCodeFix))]
[Shared]
public sealed class TW0007WaitBeforeCompletionCodeFix : ThreadWiseCodeFixProvider
{
    public const string CompleteBeforeWaitKey = "TW0007.CompleteBeforeWait";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(RuleIds.WaitBeforeCompletion);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan.TryCreate(scope.Root, scope.Model, diagnostic, cancellationToken) is { } plan)
        {
            yield return new FixOption($"Call '{plan.CallText}' before waiting", CompleteBeforeWaitKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var handled = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, _) in fixes.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            var plan = Plan.TryCreate(root, model, diagnostic, cancellationToken);

            // One completion is moved or inserted once; a second wait before it is fixed by the first insertion.
            if (plan is null || !handled.Add(plan.CompletionUnit ?? plan.WaitUnit))
            {
                continue;
            }

            var comments = SyntaxFactory.TriviaList();
            if (plan.Move)
            {
                comments = StatementEditing.LeadingCommentLines(plan.CompletionUnit!, StatementEditing.Indentation(plan.WaitUnit));
                editor.RemoveNode(plan.CompletionUnit!, SyntaxRemoveOptions.KeepNoTrivia);

                // A blank line that opened the removed completion now opens what followed it.
                var gap = StatementEditing.LeadingBlankLines(plan.CompletionUnit!);
                var siblings = plan.CompletionUnit!.Parent!.ChildNodes().ToList();
                var next = siblings.IndexOf(plan.CompletionUnit!) + 1 < siblings.Count ? siblings[siblings.IndexOf(plan.CompletionUnit!) + 1] : null;
                if (gap.Count > 0 && next is StatementSyntax or GlobalStatementSyntax && StatementEditing.LeadingBlankLines(next!).Count == 0)
                {
                    editor.ReplaceNode(next!, (current, _) => current.WithLeadingTrivia(gap.AddRange(current.GetLeadingTrivia())));
                }
            }

            // The wait's leading blank lines open the moved group (completion, then wait), as they opened the wait.
            var blank = StatementEditing.LeadingBlankLines(plan.WaitUnit);
            editor.InsertBefore(plan.WaitUnit, plan.BuildStatement(blank.AddRange(comments)));
            if (blank.Count > 0)
            {
                editor.ReplaceNode(plan.WaitUnit, static (current, _) => StatementEditing.WithoutLeadingBlankLines(current));
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>Where the completion goes and what it says; null when no safe rewrite exists.</summary>
    private sealed class Plan
    {
        private Plan(SyntaxNode waitUnit, string callText, SyntaxNode? completionUnit, bool move)
        {
            WaitUnit = waitUnit;
            CallText = callText;
            CompletionUnit = completionUnit;
            Move = move;
        }

        /// <summary>The statement that waits (or its top-level wrapper).</summary>
        public SyntaxNode WaitUnit { get; }

        /// <summary>The call to insert, e.g. <c>queue.CompleteAdding()</c>.</summary>
        public string CallText { get; }

        /// <summary>The later completion statement, when it is a plain statement in the same list as the wait.</summary>
        public SyntaxNode? CompletionUnit { get; }

        /// <summary>True when the later completion moves (is removed where it was).</summary>
        public bool Move { get; }

        public SyntaxNode BuildStatement(SyntaxTriviaList comments)
        {
            var endOfLine = WaitUnit.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var statement = SyntaxFactory.ParseStatement(CallText + ";")
                .WithLeadingTrivia(comments.AddRange(StatementEditing.Indentation(WaitUnit)))
                .WithTrailingTrivia(endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine : SyntaxFactory.ElasticCarriageReturnLineFeed);
            SyntaxNode result = WaitUnit is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(statement) : statement;
            return result.WithAdditionalAnnotations(Formatter.Annotation);
        }

        public static Plan? TryCreate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.Properties.TryGetValue(TW0007WaitBeforeCompletionAnalyzer.MissingProperty, out var missing) && missing == "true")
            {
                return ForMissingCompletion(root, model, diagnostic);
            }

            if (!diagnostic.Properties.TryGetValue(TW0007WaitBeforeCompletionAnalyzer.KindProperty, out var kind) ||
                kind != TW0007WaitBeforeCompletionAnalyzer.WaitKind ||
                !diagnostic.Properties.TryGetValue(TW0007WaitBeforeCompletionAnalyzer.MethodProperty, out var method) ||
                method is null || diagnostic.AdditionalLocations.Count == 0 ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } wait ||
                root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not { } receiverNode)
            {
                return null;
            }

            var receiver = receiverNode.FirstAncestorOrSelf<ExpressionSyntax>(e => e.Span == diagnostic.AdditionalLocations[0].SourceSpan);
            var statement = wait.FirstAncestorOrSelf<StatementSyntax>();
            if (receiver is null || statement is null ||
                wait.AncestorsAndSelf().TakeWhile(n => n != statement).Any(n => n is AnonymousFunctionExpressionSyntax))
            {
                return null;
            }

            var waitUnit = StatementEditing.MovableUnit(statement);
            if (waitUnit.Parent is not (BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax))
            {
                return null;
            }

            // The receiver must name the same thing at the new position.
            var receiverText = receiver.WithoutTrivia().ToString();
            var expected = model.GetSymbolInfo(receiver, cancellationToken).Symbol;
            var speculative = SyntaxFactory.ParseExpression(receiverText);
            var actual = model.GetSpeculativeSymbolInfo(waitUnit.SpanStart, speculative, SpeculativeBindingOption.BindAsExpression).Symbol;
            if (expected is null || !SymbolEqualityComparer.Default.Equals(expected, actual) || !DeclaredBefore(model, receiver, waitUnit.SpanStart, cancellationToken))
            {
                return null;
            }

            var callText = receiverText + "." + method + "()";
            var completionStatement = receiver.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax s } invocation } &&
                                      invocation.ArgumentList.Arguments.Count == 0 &&
                                      invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } &&
                                      name == method
                ? s
                : null;
            var completionUnit = completionStatement is null ? null : StatementEditing.MovableUnit(completionStatement);
            if (completionUnit is not null && StatementEditing.AreSiblings(waitUnit, completionUnit) && completionUnit.SpanStart > waitUnit.SpanStart)
            {
                return new Plan(waitUnit, callText, completionUnit, move: true);
            }

            var repeatable = diagnostic.Properties.TryGetValue(TW0007WaitBeforeCompletionAnalyzer.RepeatableProperty, out var r) && r == "true";
            return repeatable ? new Plan(waitUnit, callText, null, move: false) : null;
        }

        /// <summary>
        /// No completion call exists at all (the commonest form: <c>Complete()</c> forgotten): insert
        /// <c>Receiver.Method();</c> right before the wait, when that call binds there to the completion method.
        /// </summary>
        private static Plan? ForMissingCompletion(SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(TW0007WaitBeforeCompletionAnalyzer.ReceiverProperty, out var receiverText) ||
                !diagnostic.Properties.TryGetValue(TW0007WaitBeforeCompletionAnalyzer.MethodProperty, out var method) ||
                string.IsNullOrEmpty(receiverText) || string.IsNullOrEmpty(method) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } wait ||
                wait.FirstAncestorOrSelf<StatementSyntax>() is not { } statement ||
                wait.AncestorsAndSelf().TakeWhile(n => n != statement).Any(n => n is AnonymousFunctionExpressionSyntax))
            {
                return null;
            }

            var waitUnit = StatementEditing.MovableUnit(statement);
            var callText = receiverText + "." + method + "()";
            var call = SyntaxFactory.ParseExpression(callText);
            if (waitUnit.Parent is not (BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax) ||
                model.GetSpeculativeSymbolInfo(waitUnit.SpanStart, call, SpeculativeBindingOption.BindAsExpression).Symbol is not IMethodSymbol completion ||
                !completion.Parameters.All(p => p.IsOptional))
            {
                return null;
            }

            return new Plan(waitUnit, callText, null, move: false);
        }

        /// <summary>Every local the receiver reads is declared before <paramref name="position"/>.</summary>
        private static bool DeclaredBefore(SemanticModel model, ExpressionSyntax receiver, int position, CancellationToken cancellationToken)
        {
            foreach (var name in receiver.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(name, cancellationToken).Symbol is ILocalSymbol local &&
                    local.DeclaringSyntaxReferences.Any(r => r.Span.Start >= position))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
