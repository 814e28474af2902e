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
public sealed class TW0005ReleaseNotInFinallyCodeFix : ThreadWiseCodeFixProvider
{
    public const string WrapInTryFinallyKey = "TW0005.WrapInTryFinally";
    public const string UseLockStatementKey = "TW0005.UseLockStatement";
    public const string UseEnterAsyncScopeKey = "TW0005.UseEnterAsyncScope";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ReleaseNotInFinally);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (LockRegionPlan.TryCreate(scope.Root, scope.Model, diagnostic, cancellationToken) is not { } plan)
        {
            yield break;
        }

        if (plan.ReleaseInTry is not null)
        {
            yield return new FixOption("Release in the finally block", WrapInTryFinallyKey);
            yield break;
        }

        if (plan.EnterAsyncExpression is not null)
        {
            yield return new FixOption("Use 'using (await …EnterAsync())'", UseEnterAsyncScopeKey);
        }

        if (plan.CanUseLockStatement)
        {
            yield return new FixOption($"Use 'lock ({plan.LockExpression})'", UseLockStatementKey);
        }

        yield return new FixOption("Release in a finally block", WrapInTryFinallyKey);
    }

    // Regions nest and overlap (two locks taken one inside the other): one rewrite of each statement list per document.
    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var needsImport = false;
        var moveToFinally = new HashSet<SyntaxNode>();
        var byContainer = new Dictionary<SyntaxNode, Dictionary<LockRegionPlan, LockRegionShape>>();
        foreach (var (diagnostic, key) in fixes)
        {
            var shape = key switch
            {
                UseLockStatementKey => LockRegionShape.LockStatement,
                UseEnterAsyncScopeKey => LockRegionShape.EnterAsyncScope,
                _ => LockRegionShape.TryFinally,
            };
            var plan = LockRegionPlan.TryCreate(root, model, diagnostic, cancellationToken);
            if (plan?.ReleaseInTry is { } tryStatement)
            {
                moveToFinally.Add(tryStatement);
                continue;
            }

            if (plan is null || (shape == LockRegionShape.LockStatement && !plan.CanUseLockStatement) ||
                (shape == LockRegionShape.EnterAsyncScope && plan.EnterAsyncExpression is null))
            {
                continue;
            }

            needsImport |= shape == LockRegionShape.EnterAsyncScope && plan.EnterAsyncNeedsImport;

            if (!byContainer.TryGetValue(plan.Container, out var plans))
            {
                byContainer[plan.Container] = plans = new Dictionary<LockRegionPlan, LockRegionShape>();
            }

            plans[plan] = shape;
        }

        if (byContainer.Count == 0 && moveToFinally.Count == 0)
        {
            return document;
        }

        var newRoot = root.ReplaceNodes(
            byContainer.Keys.Concat(moveToFinally),
            (original, rewritten) => byContainer.TryGetValue(original, out var plans)
                ? LockRegionRewriter.Rewrite(rewritten, plans)
                : LockRegionPlan.MoveReleaseToFinally((TryStatementSyntax)rewritten));
        if (needsImport && newRoot is CompilationUnitSyntax unit)
        {
            newRoot = UsingDirectives.Add(unit, "ThreadWise");
        }

        return document.WithSyntaxRoot(newRoot);
    }
}
