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
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0011: a try-acquire whose result is thrown away becomes <c>if (!&lt;call&gt;) { throw new TimeoutException(…); }</c>,
/// so the region and its release run only with the lock held. Offered only for a statement of a block (or the top
/// level) that is not inside a <c>try</c> with a <c>catch</c> or <c>finally</c> (a <c>finally</c> would still release).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0011TryAcquireResultIgnoredCodeFix))]
[Shared]
public sealed class TW0011TryAcquireResultIgnoredCodeFix : ThreadWiseCodeFixProvider
{
    public const string ThrowWhenNotAcquiredKey = "TW0011.ThrowWhenNotAcquired";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.TryAcquireResultIgnored);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan(scope.Root, diagnostic) is not null)
        {
            yield return new FixOption("Throw a TimeoutException when the lock is not acquired", ThrowWhenNotAcquiredKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var (diagnostic, _) in fixes)
        {
            if (Plan(root, diagnostic) is { } plan && !replacements.ContainsKey(plan.Statement))
            {
                replacements[plan.Statement] = Guard(plan, model);
            }
        }

        return replacements.Count == 0
            ? document
            : document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
    }

    private sealed record FixPlan(ExpressionStatementSyntax Statement, ExpressionSyntax Result, string LockName);

    /// <summary>The statement that throws the result away, and the result expression (with its <c>await</c>).</summary>
    private static FixPlan? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(TW0011TryAcquireResultIgnoredAnalyzer.ResultProperty, out var use) || use != "Ignored" ||
            !diagnostic.Properties.TryGetValue(TW0011TryAcquireResultIgnoredAnalyzer.LockProperty, out var lockName) || lockName is null ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call ||
            call.Span != diagnostic.Location.SourceSpan)
        {
            return null;
        }

        // sem.WaitAsync(t).ConfigureAwait(false), then await.
        ExpressionSyntax result = call;
        while (result.Parent is MemberAccessExpressionSyntax access && access.Expression == result &&
               access.Parent is InvocationExpressionSyntax outer && outer.Expression == access)
        {
            result = outer;
        }

        if (result.Parent is AwaitExpressionSyntax awaited)
        {
            result = awaited;
        }

        var statement = result.Parent switch
        {
            ExpressionStatementSyntax s => s,
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard when discard.Right == result &&
                discard.Parent is ExpressionStatementSyntax s => s,
            _ => null,
        };
        if (statement is null || statement.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax) ||
            InsideTryWithHandlers(statement))
        {
            return null;
        }

        return new FixPlan(statement, result, lockName);
    }

    /// <summary>True when a <c>catch</c> or <c>finally</c> of the same body would run after the new <c>throw</c>.</summary>
    private static bool InsideTryWithHandlers(SyntaxNode statement)
    {
        for (var node = statement.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return false;
                case TryStatementSyntax { Catches.Count: > 0 } or TryStatementSyntax { Finally: not null }:
                    return true;
            }
        }

        return false;
    }

    private static StatementSyntax Guard(FixPlan plan, SemanticModel model)
    {
        var timeout = model.Compilation.GetTypeByMetadataName("System.TimeoutException");
        var inScope = timeout is not null &&
                      model.LookupNamespacesAndTypes(plan.Statement.SpanStart, name: "TimeoutException").Contains(timeout, SymbolEqualityComparer.Default);
        var message = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal($"'{plan.LockName}' was not acquired"));
        var creation = SyntaxFactory.ObjectCreationExpression(SyntaxFactory.ParseTypeName(inScope ? "TimeoutException" : "System.TimeoutException"))
            .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(message))));
        var condition = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, plan.Result.WithoutTrivia());
        var closeParen = SyntaxFactory.Token(SyntaxKind.CloseParenToken).WithTrailingTrivia(plan.Statement.GetTrailingTrivia());
        var guard = SyntaxFactory.IfStatement(condition, SyntaxFactory.Block(SyntaxFactory.ThrowStatement(creation)))
            .WithCloseParenToken(closeParen)
            .WithLeadingTrivia(plan.Statement.GetLeadingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        return guard;
    }
}
