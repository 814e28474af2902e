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
/// TW0013: reads the child's output before waiting for it (the reads that store a whole stream move above the wait),
/// or drains the first of two streams with <c>ReadToEndAsync()</c> while the second is read.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0013ProcessOutputReadAfterWaitCodeFix))]
[Shared]
public sealed class TW0013ProcessOutputReadAfterWaitCodeFix : ThreadWiseCodeFixProvider
{
    public const string ReadBeforeWaitKey = "TW0013.ReadBeforeWait";
    public const string ReadOneStreamAsyncKey = "TW0013.ReadOneStreamAsync";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ProcessOutputReadAfterWait);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        diagnostic.Properties.TryGetValue(TW0013ProcessOutputReadAfterWaitAnalyzer.ShapeProperty, out var shape);
        if (shape == TW0013ProcessOutputReadAfterWaitAnalyzer.WaitBeforeReadShape && ReadBeforeWait.TryCreate(scope, diagnostic) is not null)
        {
            yield return new FixOption("Read the output before waiting for the process", ReadBeforeWaitKey);
        }
        else if (shape == TW0013ProcessOutputReadAfterWaitAnalyzer.SequentialReadsShape && OneStreamAsync.TryCreate(scope, diagnostic) is not null)
        {
            yield return new FixOption("Read the first stream with ReadToEndAsync while the other is read", ReadOneStreamAsyncKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var scope = new FixScope(document, editor.OriginalRoot, editor.SemanticModel);
        var touched = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, key) in fixes)
        {
            if (key == ReadBeforeWaitKey && ReadBeforeWait.TryCreate(scope, diagnostic) is { } move && touched.Add(move.Wait))
            {
                move.Apply(editor);
            }
            else if (key == ReadOneStreamAsyncKey && OneStreamAsync.TryCreate(scope, diagnostic) is { } drain && touched.Add(drain.First))
            {
                drain.Apply(editor);
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>A statement that stores a whole redirected stream: <c>var x = p.S.ReadToEnd();</c>, <c>x = await p.S.ReadToEndAsync();</c>.</summary>
    private sealed record StreamRead(StatementSyntax Statement, string Stream, SyntaxToken Variable, bool Declares, bool Awaited, ExpressionSyntax Receiver);

    private static StreamRead? AsStreamRead(StatementSyntax statement, SemanticModel model)
    {
        ExpressionSyntax? value;
        SyntaxToken variable;
        bool declares;
        switch (statement)
        {
            case LocalDeclarationStatementSyntax { Declaration.Variables: [{ Initializer.Value: var initializer } declarator], UsingKeyword.RawKind: 0 }:
                value = initializer;
                variable = declarator.Identifier;
                declares = true;
                break;
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target, Right: var right } }
                when model.GetSymbolInfo(target).Symbol is ILocalSymbol:
                value = right;
                variable = target.Identifier;
                declares = false;
                break;
            default:
                return null;
        }

        var awaited = false;
        if (value is AwaitExpressionSyntax await)
        {
            awaited = true;
            value = await.Expression;
        }

        if (value is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var method, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var stream, Expression: var receiver } } } ||
            stream is not ("StandardOutput" or "StandardError") ||
            method != (awaited ? "ReadToEndAsync" : "ReadToEnd"))
        {
            return null;
        }

        return new StreamRead(statement, stream, variable, declares, awaited, receiver);
    }

    private static bool SameReceiver(ExpressionSyntax a, ExpressionSyntax b, SemanticModel model) =>
        SyntaxFactory.AreEquivalent(a, b) &&
        SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(a).Symbol, model.GetSymbolInfo(b).Symbol);

    /// <summary>True when a statement in <paramref name="between"/> mentions the variable a moved read writes.</summary>
    private static bool Mentions(IEnumerable<StatementSyntax> between, SyntaxToken variable) =>
        between.SelectMany(s => s.DescendantTokens()).Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == variable.ValueText);

    private static bool IsInAsyncBody(SyntaxNode node, SemanticModel model)
    {
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    return false;
                case CompilationUnitSyntax:
                    // Top-level statements are async exactly when they contain an await.
                    return model.GetEnclosingSymbol(node.SpanStart) is IMethodSymbol { IsAsync: true };
            }
        }

        return false;
    }

    private static string UniqueName(SemanticModel model, int position, string wanted)
    {
        var name = wanted;
        for (var i = 2; !model.LookupSymbols(position, name: name).IsEmpty; i++)
        {
            name = wanted + i;
        }

        return name;
    }

    /// <summary><c>var xTask = p.S.ReadToEndAsync();</c> for the first read of two.</summary>
    private static StatementSyntax StartAsyncRead(StreamRead read, string taskName) =>
        SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var"),
                SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(taskName))
                    .WithInitializer(SyntaxFactory.EqualsValueClause(SyntaxFactory.InvocationExpression(
                        SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, read.Receiver.WithoutTrivia(), SyntaxFactory.IdentifierName(read.Stream)),
                            SyntaxFactory.IdentifierName("ReadToEndAsync"))))))))
            .WithTriviaFrom(read.Statement)
            .WithAdditionalAnnotations(Formatter.Annotation);

    /// <summary><c>var x = await xTask;</c> (or <c>xTask.GetAwaiter().GetResult()</c> outside async code).</summary>
    private static StatementSyntax TakeAsyncResult(StreamRead read, string taskName, bool isAsync)
    {
        ExpressionSyntax value = isAsync
            ? SyntaxFactory.AwaitExpression(SyntaxFactory.IdentifierName(taskName))
            : SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                SyntaxFactory.InvocationExpression(SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.IdentifierName(taskName), SyntaxFactory.IdentifierName("GetAwaiter"))),
                SyntaxFactory.IdentifierName("GetResult")));
        StatementSyntax statement = read.Declares
            ? SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                ((LocalDeclarationStatementSyntax)read.Statement).Declaration.Type.WithoutTrivia(),
                SyntaxFactory.SingletonSeparatedList(SyntaxFactory.VariableDeclarator(read.Variable.WithoutTrivia())
                    .WithInitializer(SyntaxFactory.EqualsValueClause(value)))))
            : SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.IdentifierName(read.Variable.WithoutTrivia()), value));
        return statement.WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>The statements of the list <paramref name="statement"/> belongs to (a block, a switch section or the top level).</summary>
    private static IReadOnlyList<StatementSyntax>? Siblings(StatementSyntax statement) => statement.Parent switch
    {
        BlockSyntax block => block.Statements,
        SwitchSectionSyntax section => section.Statements,
        GlobalStatementSyntax { Parent: CompilationUnitSyntax unit } => unit.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement).ToList(),
        _ => null,
    };

    /// <summary>Shape 1: the reads after <c>p.WaitForExit();</c> move above it.</summary>
    private sealed class ReadBeforeWait
    {
        private ReadBeforeWait(StatementSyntax wait, IReadOnlyList<StreamRead> reads, string? taskName, bool isAsync)
        {
            Wait = wait;
            Reads = reads;
            TaskName = taskName;
            IsAsync = isAsync;
        }

        public StatementSyntax Wait { get; }

        private IReadOnlyList<StreamRead> Reads { get; }

        private string? TaskName { get; }

        private bool IsAsync { get; }

        public static ReadBeforeWait? TryCreate(FixScope scope, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0 ||
                scope.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax { Expression: var receiver },
                } invocation)
            {
                return null;
            }

            var expression = invocation.Parent is AwaitExpressionSyntax await ? (ExpressionSyntax)await : invocation;
            if (expression.Parent is not ExpressionStatementSyntax wait || Siblings(wait) is not { } siblings)
            {
                return null;
            }

            var index = IndexOf(siblings, wait);
            var reads = new List<StreamRead>();
            var reported = diagnostic.AdditionalLocations[0].SourceSpan;
            for (var i = index + 1; i < siblings.Count; i++)
            {
                if (AsStreamRead(siblings[i], scope.Model) is { } read && SameReceiver(read.Receiver, receiver, scope.Model) &&
                    reads.All(r => r.Stream != read.Stream))
                {
                    if (Mentions(siblings.Skip(index + 1).Take(i - index - 1), read.Variable))
                    {
                        return null;
                    }

                    reads.Add(read);
                }
                else if (siblings[i].DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(m =>
                             m.Name.Identifier.ValueText is "StandardOutput" or "StandardError" && SameReceiver(m.Expression, receiver, scope.Model) &&
                             reads.All(r => r.Stream != m.Name.Identifier.ValueText)))
                {
                    // Another use of a stream comes first: moving later reads over it would change what it sees.
                    break;
                }
            }

            if (!reads.Any(r => r.Statement.Span.Contains(reported)))
            {
                return null;
            }

            var isAsync = IsInAsyncBody(wait, scope.Model);
            var taskName = reads.Count == 2 ? UniqueName(scope.Model, wait.SpanStart, reads[0].Variable.ValueText + "Task") : null;
            return new ReadBeforeWait(wait, reads, taskName, isAsync);
        }

        public void Apply(DocumentEditor editor)
        {
            var moved = new List<SyntaxNode>();
            if (TaskName is null)
            {
                moved.Add(Reads[0].Statement.WithLeadingTrivia(Reads[0].Statement.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
            }
            else
            {
                moved.Add(StartAsyncRead(Reads[0], TaskName));
                moved.Add(Reads[1].Statement.WithAdditionalAnnotations(Formatter.Annotation));
                moved.Add(TakeAsyncResult(Reads[0], TaskName, IsAsync));
            }

            foreach (var read in Reads)
            {
                editor.RemoveNode(StatementEditing.MovableUnit(read.Statement), SyntaxRemoveOptions.KeepNoTrivia);
            }

            var target = StatementEditing.MovableUnit(Wait);
            editor.InsertBefore(target, target is GlobalStatementSyntax
                ? moved.Select(s => (SyntaxNode)SyntaxFactory.GlobalStatement((StatementSyntax)s))
                : moved);
        }
    }

    /// <summary>Shape 2: the first of two synchronous whole-stream reads becomes <c>ReadToEndAsync()</c>.</summary>
    private sealed class OneStreamAsync
    {
        private OneStreamAsync(StreamRead first, StatementSyntax second, string taskName, bool isAsync)
        {
            FirstRead = first;
            Second = second;
            TaskName = taskName;
            IsAsync = isAsync;
        }

        public SyntaxNode First => FirstRead.Statement;

        private StreamRead FirstRead { get; }

        private StatementSyntax Second { get; }

        private string TaskName { get; }

        private bool IsAsync { get; }

        public static OneStreamAsync? TryCreate(FixScope scope, Diagnostic diagnostic)
        {
            if (diagnostic.AdditionalLocations.Count == 0 ||
                scope.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is not { } second ||
                scope.Root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is not { } firstStatement ||
                AsStreamRead(firstStatement, scope.Model) is not { Awaited: false } first ||
                Siblings(firstStatement) is not { } siblings || !siblings.Contains(second))
            {
                return null;
            }

            var from = IndexOf(siblings, firstStatement);
            var to = IndexOf(siblings, second);
            if (to <= from || Mentions(siblings.Skip(from + 1).Take(to - from), first.Variable))
            {
                return null;
            }

            var taskName = UniqueName(scope.Model, firstStatement.SpanStart, first.Variable.ValueText + "Task");
            return new OneStreamAsync(first, second, taskName, IsInAsyncBody(second, scope.Model));
        }

        public void Apply(DocumentEditor editor)
        {
            editor.ReplaceNode(StatementEditing.MovableUnit(FirstRead.Statement), (current, _) =>
                current is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(StartAsyncRead(FirstRead, TaskName)).WithTriviaFrom(current) : StartAsyncRead(FirstRead, TaskName));
            var result = TakeAsyncResult(FirstRead, TaskName, IsAsync);
            var target = StatementEditing.MovableUnit(Second);
            editor.InsertAfter(target, target is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(result) : result);
        }
    }

    private static int IndexOf(IReadOnlyList<StatementSyntax> list, StatementSyntax statement)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == statement)
            {
                return i;
            }
        }

        return -1;
    }
}
