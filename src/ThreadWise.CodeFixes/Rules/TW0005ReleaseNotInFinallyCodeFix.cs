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
using Microsoft.CodeAnalysis.Formatting;
using ThreadWise.Analyzers;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0005: makes the release unconditional. Wraps the statements between the acquisition and its release in
/// <c>try { … } finally { release }</c>, or turns a <c>Monitor.Enter(o)</c>/<c>Monitor.Exit(o)</c> (or
/// <c>Lock.Enter()</c>/<c>Exit()</c>) pair into a <c>lock</c> statement when the region does not await.
/// Offered only when the acquisition and the release are statements of one statement list.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0005ReleaseNotInFinallyCodeFix))]
[Shared]
public sealed class TW0005ReleaseNotInFinallyCodeFix : CodeFixProvider
{
    public const string WrapInTryFinallyKey = "TW0005.WrapInTryFinally";
    public const string UseLockStatementKey = "TW0005.UseLockStatement";
    public const string UseEnterAsyncScopeKey = "TW0005.UseEnterAsyncScope";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ReleaseNotInFinally);

    // Regions nest and overlap (two locks taken one inside the other): one rewrite of each statement list per document.
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
            var plan = LockRegionPlan.TryCreate(root, model, diagnostic, context.CancellationToken);
            if (plan is null)
            {
                continue;
            }

            if (plan.EnterAsyncExpression is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use 'using (await …EnterAsync())'",
                        ct => ApplyAsync(context.Document, new[] { diagnostic }, UseEnterAsyncScopeKey, ct),
                        UseEnterAsyncScopeKey),
                    diagnostic);
            }

            if (plan.CanUseLockStatement)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Use 'lock ({plan.LockExpression})'",
                        ct => ApplyAsync(context.Document, new[] { diagnostic }, UseLockStatementKey, ct),
                        UseLockStatementKey),
                    diagnostic);
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Release in a finally block",
                    ct => ApplyAsync(context.Document, new[] { diagnostic }, WrapInTryFinallyKey, ct),
                    WrapInTryFinallyKey),
                diagnostic);
        }
    }

    private static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, string? key, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var shape = key switch
        {
            UseLockStatementKey => LockRegionShape.LockStatement,
            UseEnterAsyncScopeKey => LockRegionShape.EnterAsyncScope,
            _ => LockRegionShape.TryFinally,
        };
        var needsImport = false;
        var byContainer = new Dictionary<SyntaxNode, List<LockRegionPlan>>();
        foreach (var diagnostic in diagnostics)
        {
            var plan = LockRegionPlan.TryCreate(root, model, diagnostic, cancellationToken);
            if (plan is null || (shape == LockRegionShape.LockStatement && !plan.CanUseLockStatement) ||
                (shape == LockRegionShape.EnterAsyncScope && plan.EnterAsyncExpression is null))
            {
                continue;
            }

            needsImport |= shape == LockRegionShape.EnterAsyncScope && plan.EnterAsyncNeedsImport;

            if (!byContainer.TryGetValue(plan.Container, out var plans))
            {
                byContainer[plan.Container] = plans = new List<LockRegionPlan>();
            }

            plans.Add(plan);
        }

        if (byContainer.Count == 0)
        {
            return document;
        }

        var newRoot = root.ReplaceNodes(
            byContainer.Keys,
            (original, rewritten) => LockRegionRewriter.Rewrite(rewritten, byContainer[original], shape));
        if (needsImport && newRoot is CompilationUnitSyntax unit)
        {
            newRoot = AddUsing(unit, "ThreadWise");
        }

        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>Adds <c>using <paramref name="name"/>;</c> after the <c>System</c> usings, in alphabetical order.</summary>
    private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit, string name)
    {
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(name)).WithAdditionalAnnotations(Formatter.Annotation);
        var usings = unit.Usings;
        var index = 0;
        while (index < usings.Count && usings[index].Alias is null && usings[index].StaticKeyword.IsKind(SyntaxKind.None) &&
               usings[index].Name is { } existing &&
               (existing.ToString().StartsWith("System", System.StringComparison.Ordinal) ||
                string.CompareOrdinal(existing.ToString(), name) < 0))
        {
            index++;
        }

        if (usings.Count == 0)
        {
            directive = directive.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed, SyntaxFactory.ElasticCarriageReturnLineFeed);
        }

        return unit.WithUsings(usings.Insert(index, directive));
    }
}
