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
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0003: starts a fresh instance instead of restarting the old one: <c>t = new Thread(Work); t.Start();</c>, with the
/// constructor arguments of the one visible creation of the variable, when repeating them has no side effect.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0003StartedTwiceCodeFix))]
[Shared]
public sealed class TW0003StartedTwiceCodeFix : ThreadWiseCodeFixProvider
{
    public const string NewInstanceKey = "TW0003.CreateNewInstance";
    public const string RemoveStartKey = "TW0003.RemoveStart";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ThreadStartedTwice);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (RedundantStart(scope.Root, diagnostic) is not null)
        {
            yield return new FixOption("Remove Start(): the task is already running", RemoveStartKey);
        }
        else if (Plan.TryCreate(scope.Root, scope.Model, diagnostic, cancellationToken) is { } plan)
        {
            yield return new FixOption($"Start a new {plan.TypeName} instead", NewInstanceKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        foreach (var (diagnostic, key) in fixes.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            if (key == RemoveStartKey && RedundantStart(root, diagnostic) is { } redundant)
            {
                if (redundant.Instance is InvocationExpressionSyntax launch)
                {
                    editor.ReplaceNode(redundant.Start, launch.WithTriviaFrom(redundant.Start));
                }
                else
                {
                    editor.RemoveNode(StatementEditing.MovableUnit(redundant.Statement), SyntaxRemoveOptions.KeepNoTrivia);
                }

                continue;
            }

            var plan = key != NewInstanceKey ? null : Plan.TryCreate(root, model, diagnostic, cancellationToken);
            if (plan is null)
            {
                continue;
            }

            var assignment = SyntaxFactory.ExpressionStatement(
                SyntaxFactory.AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    plan.Receiver.WithoutTrivia(),
                    plan.Creation.WithoutTrivia()));
            var statement = plan.StartStatement;
            var unit = StatementEditing.MovableUnit(statement);
            if (unit.Parent is BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax)
            {
                var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var newStatement = assignment
                    .WithLeadingTrivia(unit.GetLeadingTrivia())
                    .WithTrailingTrivia(endOfLine == default ? SyntaxFactory.ElasticCarriageReturnLineFeed : endOfLine);
                SyntaxNode newUnit = unit is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(newStatement) : newStatement;
                editor.InsertBefore(unit, newUnit);
                var indentation = StatementEditing.Indentation(unit);
                editor.ReplaceNode(unit, (current, _) => current.WithLeadingTrivia(indentation));
            }
            else
            {
                // An embedded statement (`if (!t.IsAlive) t.Start();`): both statements go into a new block.
                var block = SyntaxFactory.Block(assignment, statement.WithoutTrivia())
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(statement.GetTrailingTrivia())
                    .WithAdditionalAnnotations(Formatter.Annotation);
                editor.ReplaceNode(statement, block);
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>
    /// A <c>Start()</c> on a task that is already running (<c>Task.Run(…).Start();</c> or <c>t.Start();</c>), as a statement
    /// of its own whose removal loses no comment; null otherwise.
    /// </summary>
    private static (InvocationExpressionSyntax Start, ExpressionSyntax Instance, ExpressionStatementSyntax Statement)? RedundantStart(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(TW0003StartedTwiceAnalyzer.KindProperty, out var kind) || kind != nameof(StartKind.HotTask) ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not
            { Expression: MemberAccessExpressionSyntax access } start ||
            start.Span != diagnostic.Location.SourceSpan ||
            start.Parent is not ExpressionStatementSyntax statement)
        {
            return null;
        }

        var keepsCall = access.Expression is InvocationExpressionSyntax;
        var unit = StatementEditing.MovableUnit(statement);
        if (!keepsCall && (StatementEditing.HasComments(unit) || unit.Parent is not (BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax)))
        {
            return null;
        }

        return (start, access.Expression, statement);
    }

    /// <summary>What the fix would insert, and where; null when no safe rewrite exists.</summary>
    private sealed class Plan
    {
        private Plan(ExpressionStatementSyntax startStatement, ExpressionSyntax receiver, ExpressionSyntax creation, string typeName)
        {
            StartStatement = startStatement;
            Receiver = receiver;
            Creation = creation;
            TypeName = typeName;
        }

        public ExpressionStatementSyntax StartStatement { get; }

        /// <summary>The variable as written at the start (<c>t</c>, <c>_t</c>, <c>this._t</c>).</summary>
        public ExpressionSyntax Receiver { get; }

        /// <summary>The one creation assigned to the variable, to repeat.</summary>
        public ExpressionSyntax Creation { get; }

        public string TypeName { get; }

        public static Plan? TryCreate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(TW0003StartedTwiceAnalyzer.KindProperty, out var kind) ||
                kind is not (nameof(StartKind.Thread) or nameof(StartKind.Task)) ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node ||
                node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax access } invocation ||
                invocation.Parent is not ExpressionStatementSyntax statement)
            {
                return null;
            }

            var receiver = access.Expression;
            var symbol = model.GetSymbolInfo(receiver, cancellationToken).Symbol;
            var creations = symbol switch
            {
                ILocalSymbol local when IsAssignableLocal(local) => CreationsOfLocal(local, model, cancellationToken),
                IFieldSymbol field when IsAssignableField(field, receiver, invocation, model, cancellationToken) => CreationsOfField(field, root, model, cancellationToken),
                _ => null,
            };
            if (creations is null || creations.Count == 0 || creations.Any(c => c is null || !c.IsEquivalentTo(creations[0]!)))
            {
                return null;
            }

            var creation = creations[0]!;
            var threading = ThreadingModel.Get(model.Compilation);
            var type = model.GetTypeInfo(creation, cancellationToken).Type;
            var typeName = threading.Threads.IsThread(type) ? "Thread" : threading.Tasks.IsTask(type) ? "Task" : null;
            if (typeName is null || !IsRepeatable(creation, model, invocation.SpanStart, cancellationToken))
            {
                return null;
            }

            return new Plan(statement, receiver, creation, typeName);
        }

        private static bool IsAssignableLocal(ILocalSymbol local) =>
            !local.IsConst && local.RefKind == RefKind.None &&
            local.DeclaringSyntaxReferences.Length == 1 &&
            local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax
            {
                Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, IsConst: false } },
            };

        private static bool IsAssignableField(IFieldSymbol field, ExpressionSyntax receiver, SyntaxNode site, SemanticModel model, CancellationToken cancellationToken)
        {
            if (field.IsReadOnly || field.IsConst || field.ContainingType.DeclaringSyntaxReferences.Length != 1 ||
                receiver is not (IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }))
            {
                return false;
            }

            // The start must be in the field's own type, where the creation's names mean the same thing.
            var container = model.GetEnclosingSymbol(site.SpanStart, cancellationToken);
            return container is not null && SymbolEqualityComparer.Default.Equals(container.ContainingType, field.ContainingType) &&
                   (field.IsStatic || !container.IsStatic);
        }

        /// <summary>Every value assigned to the local in its method: the initializer and each simple assignment.</summary>
        private static List<ExpressionSyntax?>? CreationsOfLocal(ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
        {
            var declarator = (VariableDeclaratorSyntax)local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            var body = declarator.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or
                LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or CompilationUnitSyntax);
            if (body is null)
            {
                return null;
            }

            var values = new List<ExpressionSyntax?>();
            if (declarator.Initializer is { } initializer)
            {
                values.Add(initializer.Value);
            }

            AddAssignedValues(body, local, model, values, cancellationToken);
            return values;
        }

        private static List<ExpressionSyntax?>? CreationsOfField(IFieldSymbol field, SyntaxNode root, SemanticModel model, CancellationToken cancellationToken)
        {
            var reference = field.DeclaringSyntaxReferences.FirstOrDefault();
            if (reference is null || reference.SyntaxTree != root.SyntaxTree ||
                root.FindNode(reference.Span) is not VariableDeclaratorSyntax declarator ||
                declarator.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type)
            {
                return null;
            }

            var values = new List<ExpressionSyntax?>();
            if (declarator.Initializer is { } initializer)
            {
                values.Add(initializer.Value);
            }

            AddAssignedValues(type, field, model, values, cancellationToken);
            return values;
        }

        private static void AddAssignedValues(SyntaxNode scope, ISymbol variable, SemanticModel model, List<ExpressionSyntax?> values, CancellationToken cancellationToken)
        {
            foreach (var assignment in scope.DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol, variable))
                {
                    values.Add(assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) ? assignment.Right : null);
                }
            }

            foreach (var argument in scope.DescendantNodes().OfType<ArgumentSyntax>())
            {
                if (!argument.RefKindKeyword.IsKind(SyntaxKind.None) &&
                    SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(argument.Expression, cancellationToken).Symbol, variable))
                {
                    values.Add(null);
                }
            }

            for (var i = 0; i < values.Count; i++)
            {
                values[i] = values[i] is BaseObjectCreationExpressionSyntax ? values[i] : null;
            }
        }

        /// <summary>
        /// The creation can be evaluated again at <paramref name="position"/>: it calls nothing outside lambda bodies, and
        /// every name it uses means the same thing there.
        /// </summary>
        private static bool IsRepeatable(ExpressionSyntax creation, SemanticModel model, int position, CancellationToken cancellationToken)
        {
            foreach (var node in creation.DescendantNodes(n => n == creation || n is not AnonymousFunctionExpressionSyntax))
            {
                switch (node)
                {
                    case AnonymousFunctionExpressionSyntax lambda:
                        var flow = model.AnalyzeDataFlow(lambda);
                        if (flow is null || !flow.Succeeded)
                        {
                            return false;
                        }

                        foreach (var captured in flow.CapturedInside)
                        {
                            if (captured is IParameterSymbol { IsThis: true })
                            {
                                continue;
                            }

                            if (!model.LookupSymbols(position, name: captured.Name).Contains(captured, SymbolEqualityComparer.Default))
                            {
                                return false;
                            }
                        }

                        break;
                    case IdentifierNameSyntax name:
                        if (!MeansTheSameAt(name, model, position, cancellationToken))
                        {
                            return false;
                        }

                        break;
                    case InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or AwaitExpressionSyntax or
                        PostfixUnaryExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax:
                        return false;
                    case PrefixUnaryExpressionSyntax prefix when !prefix.IsKind(SyntaxKind.UnaryMinusExpression):
                        return false;
                    case AssignmentExpressionSyntax assignment when assignment.Parent is not InitializerExpressionSyntax:
                        return false;
                }
            }

            return true;
        }

        private static bool MeansTheSameAt(IdentifierNameSyntax name, SemanticModel model, int position, CancellationToken cancellationToken)
        {
            // The right side of `a.b` binds through `a`; `IsBackground = true` in an initializer binds to the new object.
            if ((name.Parent is MemberAccessExpressionSyntax access && access.Name == name) ||
                (name.Parent is AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } member && member.Left == name))
            {
                return true;
            }

            var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
            if (symbol is not (ILocalSymbol or IParameterSymbol or IMethodSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol))
            {
                return symbol is not null;
            }

            return model.LookupSymbols(position, name: name.Identifier.ValueText).Any(s =>
                SymbolEqualityComparer.Default.Equals(s, symbol) || SymbolEqualityComparer.Default.Equals(s, symbol.OriginalDefinition));
        }
    }
}
