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
using ThreadWise.Analyzers.Model;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0004: swaps two nested <c>lock</c> statements into the order the rest of the code uses, or (with the ThreadWise
/// runtime library referenced) takes both through <c>using (LockSet.Enter(a, b))</c>, which acquires them in one
/// global order.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0004InconsistentLockOrderCodeFix))]
[Shared]
public sealed class TW0004InconsistentLockOrderCodeFix : ThreadWiseCodeFixProvider
{
    public const string ReorderLocksKey = "TW0004.ReorderLocks";
    public const string UseLockSetKey = "TW0004.UseLockSet";

    private const string LockSetMetadataName = "ThreadWise.LockSet";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.InconsistentLockOrder);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (CanReorder(scope.Root, scope.Model, diagnostic, cancellationToken, out _, out _))
        {
            yield return new FixOption("Take the locks in the order used elsewhere", ReorderLocksKey);
        }
        else if (CanUseLockSet(scope.Root, scope.Model, diagnostic, out _, out _))
        {
            yield return new FixOption("Take both locks with LockSet.Enter (one global order)", UseLockSetKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var addImport = false;
        foreach (var (diagnostic, key) in fixes.OrderByDescending(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            if (key == ReorderLocksKey && CanReorder(root, model, diagnostic, cancellationToken, out var inner, out var outer))
            {
                if (NestedLocks.IsDirectPair(inner, outer))
                {
                    editor.ReplaceNode(outer, static (current, _) => Swap((LockStatementSyntax)current));
                }
                else
                {
                    editor.ReplaceNode(outer, TW0004LockHoist.Hoist(outer, NewLine(root)));
                }
            }
            else if (key == UseLockSetKey && CanUseLockSet(root, model, diagnostic, out inner, out outer))
            {
                var index = outer.Statement is BlockSyntax block ? block.Statements.IndexOf(inner) : -1;
                editor.ReplaceNode(outer, (current, _) => UseLockSet((LockStatementSyntax)current, index));
                addImport |= model.LookupNamespacesAndTypes(outer.SpanStart, name: "LockSet").IsEmpty;
            }
        }

        var changed = editor.GetChangedRoot();
        if (addImport && changed is CompilationUnitSyntax unit)
        {
            changed = unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.IdentifierName("ThreadWise"))
                .WithAdditionalAnnotations(Formatter.Annotation));
        }

        return document.WithSyntaxRoot(changed);
    }

    private static SyntaxTrivia NewLine(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { } eol && eol.IsKind(SyntaxKind.EndOfLineTrivia)
            ? eol
            : SyntaxFactory.ElasticCarriageReturnLineFeed;

    /// <summary>A site in the losing order: two nested locks swapped in place, or the wanted outer lock hoisted over the body.</summary>
    private static bool CanReorder(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken, out LockStatementSyntax inner, out LockStatementSyntax outer)
    {
        inner = null!;
        outer = null!;
        return diagnostic.Properties.ContainsKey(LockOrderReport.WantedOrderProperty) &&
               NestedLocks.TryGet(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), out inner, out outer) &&
               (NestedLocks.IsDirectPair(inner, outer) ||
                (NestedLocks.CanSwap(inner, outer) && TW0004LockHoist.CanHoist(model, inner, outer, cancellationToken)));
    }

    private static bool CanUseLockSet(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, out LockStatementSyntax inner, out LockStatementSyntax outer)
    {
        inner = null!;
        outer = null!;
        if (!diagnostic.Properties.ContainsKey(LockOrderReport.TwoInstancesProperty))
        {
            return false;
        }

        var lockSet = model.Compilation.GetTypeByMetadataName(LockSetMetadataName);
        if (lockSet is null ||
            !NestedLocks.TryGet(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true), out inner, out outer))
        {
            return false;
        }

        // Monitor locks only (a System.Threading.Lock would need the Lock overload), and the simple name must bind to
        // ThreadWise.LockSet (or to nothing, once `using ThreadWise;` is added) at the statement.
        var threadingLock = model.Compilation.GetTypeByMetadataName("System.Threading.Lock");
        foreach (var expression in new[] { outer.Expression, inner.Expression })
        {
            var type = model.GetTypeInfo(expression).Type;
            if (type is null || type.IsValueType || type.TypeKind == TypeKind.Error || SymbolEqualityComparer.Default.Equals(type, threadingLock))
            {
                return false;
            }
        }

        var visible = model.LookupNamespacesAndTypes(outer.SpanStart, name: "LockSet");
        return visible.IsEmpty ? root is CompilationUnitSyntax : visible.Length == 1 && SymbolEqualityComparer.Default.Equals(visible[0], lockSet);
    }

    /// <summary><c>lock (a) { lock (b) { body } }</c> → <c>lock (b) { lock (a) { body } }</c>.</summary>
    private static SyntaxNode Swap(LockStatementSyntax outer)
    {
        var inner = outer.Statement as LockStatementSyntax ??
                    (outer.Statement as BlockSyntax)?.Statements.OfType<LockStatementSyntax>().SingleOrDefault();
        if (inner is null)
        {
            return outer;
        }

        var newInner = inner.WithExpression(outer.Expression.WithTriviaFrom(inner.Expression));
        return outer.ReplaceNode(inner, newInner).WithExpression(inner.Expression.WithTriviaFrom(outer.Expression));
    }

    /// <summary>
    /// <c>lock (a) { … lock (b) { body } … }</c> → <c>using (LockSet.Enter(a, b)) { … { body } … }</c>. Comments on the
    /// removed <c>lock (b)</c> line move to the top of its body.
    /// </summary>
    private static SyntaxNode UseLockSet(LockStatementSyntax outer, int innerIndex)
    {
        LockStatementSyntax inner;
        StatementSyntax body;
        if (outer.Statement is BlockSyntax block && innerIndex >= 0 && innerIndex < block.Statements.Count &&
            block.Statements[innerIndex] is LockStatementSyntax nested)
        {
            inner = nested;
            body = block.Statements.Count == 1
                ? WithHeaderComments(AsBlock(nested.Statement), nested).WithTriviaFrom(block)
                : block.WithStatements(block.Statements.Replace(nested, WithHeaderComments(AsBlock(nested.Statement), nested)
                    .WithLeadingTrivia(nested.GetLeadingTrivia())));
        }
        else if (outer.Statement is LockStatementSyntax direct)
        {
            inner = direct;
            body = WithHeaderComments(AsBlock(direct.Statement), direct);
        }
        else
        {
            return outer;
        }

        var enter = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxFactory.IdentifierName("LockSet"), SyntaxFactory.IdentifierName("Enter")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(outer.Expression.WithoutTrivia()),
                SyntaxFactory.Argument(inner.Expression.WithoutTrivia()),
            })));
        return SyntaxFactory.UsingStatement(null, enter, body)
            .WithCloseParenToken(SyntaxFactory.Token(SyntaxKind.CloseParenToken).WithTrailingTrivia(outer.CloseParenToken.TrailingTrivia))
            .WithTriviaFrom(outer)
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>Puts the comments of a removed <c>lock (x)</c> header before the first statement of its body.</summary>
    private static BlockSyntax WithHeaderComments(BlockSyntax body, LockStatementSyntax removed)
    {
        var comments = removed.GetLeadingTrivia().Concat(removed.CloseParenToken.TrailingTrivia)
            .Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia))
            .ToList();
        if (comments.Count == 0 || body.Statements.Count == 0)
        {
            return body;
        }

        var lines = SyntaxFactory.TriviaList(comments.SelectMany(c => new[] { c, SyntaxFactory.ElasticCarriageReturnLineFeed }));
        var first = body.Statements[0];
        return body.ReplaceNode(first, first.WithLeadingTrivia(lines.AddRange(first.GetLeadingTrivia())));
    }

    private static BlockSyntax AsBlock(StatementSyntax statement) =>
        statement as BlockSyntax ?? SyntaxFactory.Block(statement);
}
