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
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Model;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0009: wraps <c>Monitor.Pulse(x);</c> / <c>Monitor.PulseAll(x);</c> in <c>lock (x) { … }</c>. No fix for
/// <c>Wait</c>: the condition it waits for must be tested under the same lock, which only the author can write.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0009MonitorCallWithoutLockCodeFix))]
[Shared]
public sealed class TW0009MonitorCallWithoutLockCodeFix : ThreadWiseCodeFixProvider
{
    public const string WrapInLockKey = "TW0009.WrapInLock";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.MonitorCallWithoutLock);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Target(scope.Root, scope.Model, diagnostic, cancellationToken) is { } target)
        {
            yield return new FixOption($"Call it inside 'lock ({target.LockObject})'", WrapInLockKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var done = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, _) in fixes)
        {
            if (Target(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is not { } target || !done.Add(target.Site))
            {
                continue;
            }

            switch (target.Site)
            {
                case ExpressionStatementSyntax statement:
                    editor.ReplaceNode(statement, Locked(target.Invocation, target.LockObject, statement.GetTrailingTrivia()).Statements[0]
                        .WithLeadingTrivia(statement.GetLeadingTrivia())
                        .WithTrailingTrivia(LineBreaks(statement.GetTrailingTrivia()))
                        .WithAdditionalAnnotations(Formatter.Annotation));
                    break;
                case MethodDeclarationSyntax method:
                    editor.ReplaceNode(method, method
                        .WithExpressionBody(null)
                        .WithSemicolonToken(default)
                        .WithBody(Locked(target.Invocation, target.LockObject, method.SemicolonToken.TrailingTrivia).WithTrailingTrivia(LineBreaks(method.SemicolonToken.TrailingTrivia)))
                        .WithAdditionalAnnotations(Formatter.Annotation));
                    break;
                case LocalFunctionStatementSyntax local:
                    editor.ReplaceNode(local, local
                        .WithExpressionBody(null)
                        .WithSemicolonToken(default)
                        .WithBody(Locked(target.Invocation, target.LockObject, local.SemicolonToken.TrailingTrivia).WithTrailingTrivia(LineBreaks(local.SemicolonToken.TrailingTrivia)))
                        .WithAdditionalAnnotations(Formatter.Annotation));
                    break;
                case LambdaExpressionSyntax lambda:
                    editor.ReplaceNode(lambda, lambda
                        .WithExpressionBody(null)
                        .WithBlock(Locked(target.Invocation, target.LockObject, default))
                        .WithAdditionalAnnotations(Formatter.Annotation));
                    break;
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>
    /// <c>{ lock (x) { Monitor.Pulse(x); } }</c>; the call keeps the trailing comment it had (<c>// wake one</c> stays on
    /// the Pulse line, not after the lock's closing brace).
    /// </summary>
    private static BlockSyntax Locked(InvocationExpressionSyntax invocation, ExpressionSyntax lockObject, SyntaxTriviaList callTrailing) =>
        SyntaxFactory.Block(SyntaxFactory.LockStatement(
            lockObject.WithoutTrivia(),
            SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(invocation.WithoutTrivia()).WithTrailingTrivia(callTrailing))));

    /// <summary>Only the line breaks of a trailing trivia list (its comment moved onto the call).</summary>
    private static SyntaxTriviaList LineBreaks(SyntaxTriviaList trailing) =>
        SyntaxFactory.TriviaList(trailing.Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)));

    /// <summary>
    /// Where the lock goes around <c>Monitor.Pulse(x)</c>: its statement, or the expression-bodied void method, local
    /// function or lambda it is the body of; and its lock object, when a <c>lock (x)</c> takes the Monitor.
    /// </summary>
    private static (SyntaxNode Site, InvocationExpressionSyntax Invocation, ExpressionSyntax LockObject)? Target(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation ||
            invocation.ArgumentList.Arguments.Count != 1 ||
            model.GetOperation(invocation, cancellationToken) is not IInvocationOperation { TargetMethod.Name: "Pulse" or "PulseAll" } call ||
            call.Arguments.Length != 1)
        {
            return null;
        }

        SyntaxNode? site = invocation.Parent switch
        {
            ExpressionStatementSyntax statement => statement,
            ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax { ReturnType: PredefinedTypeSyntax returns } method }
                when returns.Keyword.IsKind(SyntaxKind.VoidKeyword) && !method.Modifiers.Any(SyntaxKind.AsyncKeyword) => method,
            ArrowExpressionClauseSyntax { Parent: LocalFunctionStatementSyntax { ReturnType: PredefinedTypeSyntax returns } local }
                when returns.Keyword.IsKind(SyntaxKind.VoidKeyword) && !local.Modifiers.Any(SyntaxKind.AsyncKeyword) => local,
            LambdaExpressionSyntax lambda when lambda.ExpressionBody == invocation && lambda.AsyncKeyword.RawKind == 0 &&
                model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true } => lambda,
            _ => null,
        };
        if (site is null)
        {
            return null;
        }

        var lockObject = call.Arguments[0].Value;
        while (lockObject is IConversionOperation { IsImplicit: true } conversion)
        {
            lockObject = conversion.Operand;
        }

        var locks = ThreadingModel.Get(model.Compilation).Locks;
        if (lockObject.Type is not { IsReferenceType: true } type || type.Is(locks.Lock) || !AccessPath.TryCreate(lockObject, out _) &&
            lockObject is not IInstanceReferenceOperation)
        {
            return null;
        }

        return (site, invocation, invocation.ArgumentList.Arguments[0].Expression);
    }
}
