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
            if (Target(editor.OriginalRoot, editor.SemanticModel, diagnostic, cancellationToken) is not { } target || !done.Add(target.Statement))
            {
                continue;
            }

            var statement = target.Statement;
            var wrapped = SyntaxFactory.LockStatement(
                    target.LockObject.WithoutTrivia(),
                    SyntaxFactory.Block(statement.WithoutLeadingTrivia().WithoutTrailingTrivia()))
                .WithLeadingTrivia(statement.GetLeadingTrivia())
                .WithTrailingTrivia(statement.GetTrailingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            editor.ReplaceNode(statement, wrapped);
        }

        return editor.GetChangedDocument();
    }

    /// <summary>The <c>Monitor.Pulse(x);</c> statement and its lock object, when a <c>lock (x)</c> around it takes the Monitor.</summary>
    private static (ExpressionStatementSyntax Statement, ExpressionSyntax LockObject)? Target(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation ||
            invocation.Parent is not ExpressionStatementSyntax statement ||
            invocation.ArgumentList.Arguments.Count != 1 ||
            model.GetOperation(invocation, cancellationToken) is not IInvocationOperation { TargetMethod.Name: "Pulse" or "PulseAll" } call ||
            call.Arguments.Length != 1)
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

        return (statement, invocation.ArgumentList.Arguments[0].Expression);
    }
}
