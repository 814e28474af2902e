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
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0017: locks the collection itself around the change (every writer then takes the one lock the collection is), or,
/// for <c>Parallel.ForEach(items, x =&gt; list.Add(f(x)))</c>, lets PLINQ build the items: <c>list.AddRange(items.AsParallel().Select(x =&gt; f(x)))</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0017CollectionMutatedConcurrentlyCodeFix))]
[Shared]
public sealed class TW0017CollectionMutatedConcurrentlyCodeFix : ThreadWiseCodeFixProvider
{
    public const string LockCollectionKey = "TW0017.LockCollection";
    public const string UsePlinqKey = "TW0017.UsePlinq";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CollectionMutatedConcurrently);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Mutation(scope, diagnostic) is not { } mutation)
        {
            yield break;
        }

        if (LockPlan.TryCreate(scope, mutation, cancellationToken) is { } plan)
        {
            yield return new FixOption($"Lock '{plan.Collection}' around the change", LockCollectionKey);
        }

        if (PlinqPlan.TryCreate(scope, mutation, cancellationToken) is not null)
        {
            yield return new FixOption("Build the items with PLINQ (AsParallel().Select)", UsePlinqKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var scope = new FixScope(document, editor.OriginalRoot, editor.SemanticModel);
        var addLinq = false;
        foreach (var (diagnostic, key) in fixes)
        {
            if (Mutation(scope, diagnostic) is not { } mutation)
            {
                continue;
            }

            if (key == UsePlinqKey && PlinqPlan.TryCreate(scope, mutation, cancellationToken) is { } plinq)
            {
                editor.ReplaceNode(plinq.Statement, SyntaxFactory.ParseStatement(plinq.Replacement).WithTriviaFrom(plinq.Statement));
                addLinq |= plinq.NeedsLinqImport;
            }
            else if (key == LockCollectionKey && LockPlan.TryCreate(scope, mutation, cancellationToken) is { } plan)
            {
                plan.Apply(editor);
            }
        }

        if (addLinq && editor.OriginalRoot is CompilationUnitSyntax unit)
        {
            editor.ReplaceNode(unit, (current, _) => ((CompilationUnitSyntax)current).AddUsings(
                SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("System.Linq")).WithAdditionalAnnotations(Formatter.Annotation)));
        }

        return editor.GetChangedDocument();
    }

    private static ExpressionSyntax? Mutation(FixScope scope, Diagnostic diagnostic) =>
        scope.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax;

    /// <summary>The receiver of a change: <c>list</c> in <c>list.Add(x)</c>, <c>map</c> in <c>map[k] = v</c>.</summary>
    private static ExpressionSyntax? Receiver(ExpressionSyntax mutation) => mutation switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Expression,
        AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax element } => element.Expression,
        _ => null,
    };

    private sealed record LockPlan(ExpressionSyntax Mutation, string Collection)
    {
        public static LockPlan? TryCreate(FixScope scope, ExpressionSyntax mutation, CancellationToken cancellationToken)
        {
            if (Receiver(mutation) is not { } receiver ||
                scope.Model.GetOperation(receiver, cancellationToken) is not { } operation ||
                !NeverReplaced(operation, scope, cancellationToken))
            {
                return null;
            }

            var placeable = mutation.Parent is ExpressionStatementSyntax { Parent: BlockSyntax } ||
                            (mutation.Parent is LambdaExpressionSyntax lambda && lambda.ExpressionBody == mutation && !mutation.ContainsDirectives &&
                             scope.Model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true });
            return placeable ? new LockPlan(mutation, receiver.WithoutTrivia().ToString()) : null;
        }

        public void Apply(DocumentEditor editor)
        {
            var lockExpression = SyntaxFactory.ParseExpression(Collection);
            if (Mutation.Parent is ExpressionStatementSyntax statement)
            {
                editor.ReplaceNode(statement, (current, _) =>
                    SyntaxFactory.LockStatement(lockExpression, SyntaxFactory.Block(((StatementSyntax)current).WithLeadingTrivia(SyntaxFactory.ElasticMarker)))
                        .WithLeadingTrivia(current.GetLeadingTrivia())
                        .WithAdditionalAnnotations(Formatter.Annotation));
            }
            else if (Mutation.Parent is LambdaExpressionSyntax lambda && lambda.FirstAncestorOrSelf<StatementSyntax>() is { } enclosing)
            {
                // The lambda gets a block body, written over several lines and indented from the statement it is in.
                var eol = lambda.SyntaxTree.GetRoot().DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } e
                    ? e
                    : SyntaxFactory.CarriageReturnLineFeed;
                var indent = StatementEditing.Indentation(enclosing).ToFullString();
                SyntaxTriviaList Line(int depth) => SyntaxFactory.TriviaList(SyntaxFactory.Whitespace(indent + new string(' ', 4 * depth)));
                SyntaxToken Open(int depth) => SyntaxFactory.Token(Line(depth).Insert(0, eol), SyntaxKind.OpenBraceToken, SyntaxFactory.TriviaList(eol));
                SyntaxToken Close(int depth) => SyntaxFactory.Token(Line(depth), SyntaxKind.CloseBraceToken, SyntaxFactory.TriviaList());
                editor.ReplaceNode(lambda, (current, _) =>
                {
                    var body = (ExpressionSyntax)((LambdaExpressionSyntax)current).ExpressionBody!;
                    var inner = SyntaxFactory.ExpressionStatement(body.WithoutTrivia()).WithLeadingTrivia(Line(2)).WithTrailingTrivia(eol);
                    var lockOpen = SyntaxFactory.Token(Line(1), SyntaxKind.OpenBraceToken, SyntaxFactory.TriviaList(eol));
                    var locked = SyntaxFactory.LockStatement(lockExpression.WithoutTrivia(), SyntaxFactory.Block(lockOpen, SyntaxFactory.SingletonList<StatementSyntax>(inner), Close(1).WithTrailingTrivia(eol)))
                        .WithLockKeyword(SyntaxFactory.Token(Line(1), SyntaxKind.LockKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space)))
                        .WithCloseParenToken(SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseParenToken, SyntaxFactory.TriviaList(eol)));
                    var arrow = ((LambdaExpressionSyntax)current).ArrowToken.WithTrailingTrivia();
                    return ((LambdaExpressionSyntax)current)
                        .WithArrowToken(arrow)
                        .WithExpressionBody(null)
                        .WithBlock(SyntaxFactory.Block(Open(0), SyntaxFactory.SingletonList<StatementSyntax>(locked), Close(0)))
                        .WithTrailingTrivia(body.GetTrailingTrivia());
                });
            }
        }

        /// <summary>A readonly field, or a local or parameter never assigned after its declaration: every writer locks one object.</summary>
        private static bool NeverReplaced(IOperation receiver, FixScope scope, CancellationToken cancellationToken)
        {
            while (receiver is IConversionOperation { IsImplicit: true } conversion)
            {
                receiver = conversion.Operand;
            }

            ISymbol? symbol = receiver switch
            {
                IFieldReferenceOperation { Field.IsReadOnly: true, Instance: null or IInstanceReferenceOperation } field => field.Field,
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation { Parameter.RefKind: RefKind.None } parameter => parameter.Parameter,
                _ => null,
            };
            if (symbol is IFieldSymbol)
            {
                return true;
            }

            if (symbol is null)
            {
                return false;
            }

            var root = receiver;
            while (root.Parent is not null)
            {
                root = root.Parent;
            }

            foreach (var node in root.DescendantsAndSelf())
            {
                var target = node switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                    _ => null,
                };
                if (target is ILocalReferenceOperation l && SymbolEqualityComparer.Default.Equals(l.Local, symbol) ||
                    target is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, symbol))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary><c>Parallel.ForEach(items, x =&gt; list.Add(f(x)));</c> → <c>list.AddRange(items.AsParallel().Select(x =&gt; f(x)));</c>.</summary>
    private sealed record PlinqPlan(StatementSyntax Statement, string Replacement, bool NeedsLinqImport)
    {
        public static PlinqPlan? TryCreate(FixScope scope, ExpressionSyntax mutation, CancellationToken cancellationToken)
        {
            if (mutation is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Add" } access, ArgumentList.Arguments: [var item] } ||
                mutation.Parent is not SimpleLambdaExpressionSyntax lambda || lambda.ExpressionBody != mutation ||
                lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Arguments: [var source, _] } arguments } ||
                arguments.Parent is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement } forEach ||
                scope.Model.GetOperation(forEach, cancellationToken) is not IInvocationOperation { TargetMethod: { Name: "ForEach", ContainingType.Name: "Parallel" } method } ||
                method.ContainingType.ContainingNamespace.ToDisplayString() != "System.Threading.Tasks" ||
                method.Parameters[0].Type is not INamedTypeSymbol { Name: "IEnumerable", ContainingNamespace.Name: "Generic" } ||
                scope.Model.GetOperation(mutation, cancellationToken) is not IInvocationOperation { Instance.Type: INamedTypeSymbol { Name: "List", TypeArguments: [var element] } } add ||
                add.TargetMethod.ContainingType.ContainingNamespace.ToDisplayString() != "System.Collections.Generic" ||
                !SymbolEqualityComparer.Default.Equals(scope.Model.GetTypeInfo(item.Expression, cancellationToken).Type, element))
            {
                return null;
            }

            var sourceType = scope.Model.GetTypeInfo(source.Expression, cancellationToken).Type;
            var needsImport = sourceType is null ||
                              scope.Model.LookupSymbols(statement.SpanStart, container: sourceType, name: "AsParallel", includeReducedExtensionMethods: true).IsEmpty;
            var replacement = $"{access.Expression.WithoutTrivia()}.AddRange({source.Expression.WithoutTrivia()}.AsParallel().Select({lambda.Parameter.Identifier.ValueText} => {item.Expression.WithoutTrivia()}));";
            return new PlinqPlan(statement, replacement, needsImport);
        }
    }
}
