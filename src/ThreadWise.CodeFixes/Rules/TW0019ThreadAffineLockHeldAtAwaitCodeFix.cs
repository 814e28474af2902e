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
using Microsoft.CodeAnalysis.Simplification;
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0019: turns a private <c>object</c> lock field used only by <c>Monitor.Enter(f);</c>/<c>Monitor.Exit(f);</c>
/// statements into a <c>SemaphoreSlim(1, 1)</c>: <c>await f.WaitAsync();</c> (or <c>f.Wait();</c> in synchronous code)
/// and <c>f.Release();</c>, or the runtime library's <c>using (await f.EnterAsync()) { … }</c> for an
/// <c>Enter; try { … } finally { Exit; }</c> region in async code. One conversion per field, whichever await it starts from.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0019ThreadAffineLockHeldAtAwaitCodeFix))]
[Shared]
public sealed class TW0019ThreadAffineLockHeldAtAwaitCodeFix : ThreadWiseCodeFixProvider
{
    public const string UseSemaphoreSlimKey = "TW0019.UseSemaphoreSlim";
    public const string UseEnterAsyncScopeKey = "TW0019.UseEnterAsyncScope";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadAffineLockHeldAtAwait);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (SemaphoreFieldPlan.TryCreate(scope.Root, scope.Model, diagnostic, cancellationToken) is not { } plan)
        {
            yield break;
        }

        if (plan.ScopeRegions.Count > 0)
        {
            yield return new FixOption($"Make '{plan.Field.Name}' a SemaphoreSlim with 'using (await {plan.Field.Name}.EnterAsync())'", UseEnterAsyncScopeKey);
        }

        yield return new FixOption($"Make '{plan.Field.Name}' a SemaphoreSlim with WaitAsync/Release", UseSemaphoreSlimKey);
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var done = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var needsImport = false;
        foreach (var (diagnostic, key) in fixes)
        {
            if (SemaphoreFieldPlan.TryCreate(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is not { } plan ||
                !done.Add(plan.Field))
            {
                continue;
            }

            var useScope = key == UseEnterAsyncScopeKey && plan.ScopeRegions.Count > 0;
            needsImport |= useScope;
            Rewrite(editor, plan, useScope);
        }

        var changed = editor.GetChangedDocument();
        if (needsImport && await changed.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is CompilationUnitSyntax unit &&
            !UsingDirectives.Has(unit, "ThreadWise"))
        {
            changed = changed.WithSyntaxRoot(UsingDirectives.Add(unit, "ThreadWise"));
        }

        return changed;
    }

    private static void Rewrite(DocumentEditor editor, SemaphoreFieldPlan plan, bool useScope)
    {
        var declaration = plan.Declaration;
        var semaphoreType = SyntaxFactory.ParseTypeName("System.Threading.SemaphoreSlim").WithAdditionalAnnotations(Simplifier.Annotation);
        var creation = SyntaxFactory.ObjectCreationExpression(
            SyntaxFactory.ParseTypeName("System.Threading.SemaphoreSlim").WithAdditionalAnnotations(Simplifier.Annotation),
            SyntaxFactory.ParseArgumentList("(1, 1)"),
            null);
        var initializer = plan.Declarator.Initializer!;
        var declarator = plan.Declarator.WithInitializer(initializer.WithValue(creation.WithTriviaFrom(initializer.Value)));
        editor.ReplaceNode(declaration, declaration.WithDeclaration(
            declaration.Declaration
                .WithType(semaphoreType.WithTriviaFrom(declaration.Declaration.Type))
                .WithVariables(SyntaxFactory.SingletonSeparatedList(declarator))));

        var scoped = new HashSet<ExpressionStatementSyntax>();
        if (useScope)
        {
            foreach (var (enter, region) in plan.ScopeRegions)
            {
                scoped.Add(enter);
                scoped.Add((ExpressionStatementSyntax)region.Finally!.Block.Statements[0]);
            }
        }

        foreach (var use in plan.Uses)
        {
            if (scoped.Contains(use.Statement))
            {
                continue;
            }

            ExpressionSyntax call = SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression, use.Receiver.WithoutTrivia(),
                SyntaxFactory.IdentifierName(!use.IsEnter ? "Release" : use.InAsyncCode ? "WaitAsync" : "Wait")));
            if (use.IsEnter && use.InAsyncCode)
            {
                call = SyntaxFactory.AwaitExpression(call);
            }

            editor.ReplaceNode(use.Statement, use.Statement.WithExpression(call.WithTriviaFrom(use.Statement.Expression)));
        }

        if (!useScope)
        {
            return;
        }

        foreach (var (enter, region) in plan.ScopeRegions)
        {
            var receiver = plan.Uses.First(u => u.Statement == enter).Receiver.WithoutTrivia();
            var leading = enter.GetLeadingTrivia();
            editor.ReplaceNode(region, (current, _) =>
            {
                var tryStatement = (TryStatementSyntax)current;
                var acquire = SyntaxFactory.AwaitExpression(SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("EnterAsync"))));
                return SyntaxFactory.UsingStatement(null, acquire, tryStatement.Block.WithoutTrailingTrivia())
                    .WithLeadingTrivia(leading)
                    .WithTrailingTrivia(tryStatement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
            });
            editor.RemoveNode(enter, SyntaxRemoveOptions.KeepNoTrivia);
        }
    }
}
