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
/// TW0006: moves the configuration of a thread before its <c>Start()</c>: into the <c>new Thread(...) { … }</c>
/// initializer when the thread is created there, or as a statement just before the <c>Start()</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0006ThreadConfiguredAfterStartCodeFix))]
[Shared]
public sealed class TW0006ThreadConfiguredAfterStartCodeFix : ThreadWiseCodeFixProvider
{
    public const string MoveIntoInitializerKey = "TW0006.MoveIntoInitializer";
    public const string MoveBeforeStartKey = "TW0006.MoveBeforeStart";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(RuleIds.ThreadConfiguredAfterStart);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan.TryCreate(scope.Root, scope.Model, diagnostic, cancellationToken) is not { } plan)
        {
            yield break;
        }

        if (plan.Creation is not null)
        {
            yield return new FixOption("Set IsBackground in the thread's object initializer", MoveIntoInitializerKey);
        }

        yield return new FixOption("Move before Start()", MoveBeforeStartKey);
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        foreach (var (diagnostic, key) in fixes.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            var plan = Plan.TryCreate(root, model, diagnostic, cancellationToken);
            if (plan is null)
            {
                continue;
            }

            if (key == MoveIntoInitializerKey)
            {
                if (plan.Creation is null)
                {
                    continue;
                }

                var assignment = plan.Assignment!;
                var comments = StatementEditing.LeadingCommentLines(plan.SettingUnit, StatementEditing.Indentation(plan.CreationUnit));
                editor.ReplaceNode(plan.Creation, (current, _) => AddToInitializer((ExpressionSyntax)current, assignment));
                if (comments.Count > 0)
                {
                    editor.ReplaceNode(plan.CreationUnit, (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().AddRange(comments)));
                }

                editor.RemoveNode(plan.SettingUnit, SyntaxRemoveOptions.KeepNoTrivia);
            }
            else
            {
                editor.RemoveNode(plan.SettingUnit, SyntaxRemoveOptions.KeepNoTrivia);
                editor.InsertBefore(plan.StartUnit, plan.SettingUnit.WithAdditionalAnnotations(Formatter.Annotation));
            }
        }

        return editor.GetChangedDocument();
    }

    /// <summary>Adds <c>IsBackground = value</c> to the creation's initializer (replacing an existing one).</summary>
    private static ExpressionSyntax AddToInitializer(ExpressionSyntax creation, AssignmentExpressionSyntax setting)
    {
        var member = SyntaxFactory.AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            SyntaxFactory.IdentifierName(TW0006ThreadConfiguredAfterStartAnalyzer.IsBackgroundSetting),
            setting.Right.WithoutTrivia());
        var initializer = creation switch
        {
            ObjectCreationExpressionSyntax o => o.Initializer,
            ImplicitObjectCreationExpressionSyntax i => i.Initializer,
            _ => null,
        };

        InitializerExpressionSyntax newInitializer;
        if (initializer is null)
        {
            newInitializer = SyntaxFactory.InitializerExpression(
                SyntaxKind.ObjectInitializerExpression,
                SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(member));
        }
        else
        {
            var existing = initializer.Expressions.FirstOrDefault(e =>
                e is AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } &&
                name.Identifier.ValueText == TW0006ThreadConfiguredAfterStartAnalyzer.IsBackgroundSetting);
            newInitializer = existing is AssignmentExpressionSyntax old
                ? initializer.ReplaceNode(old, old.WithRight(member.Right.WithTriviaFrom(old.Right)))
                : initializer.AddExpressions(member);
        }

        ExpressionSyntax result = creation switch
        {
            ObjectCreationExpressionSyntax o when o.Initializer is null => o
                .WithArgumentList(o.ArgumentList?.WithoutTrailingTrivia())
                .WithInitializer(newInitializer.WithTrailingTrivia(o.GetTrailingTrivia())),
            ObjectCreationExpressionSyntax o => o.WithInitializer(newInitializer),
            ImplicitObjectCreationExpressionSyntax i when i.Initializer is null => i
                .WithArgumentList(i.ArgumentList.WithoutTrailingTrivia())
                .WithInitializer(newInitializer.WithTrailingTrivia(i.GetTrailingTrivia())),
            ImplicitObjectCreationExpressionSyntax i => i.WithInitializer(newInitializer),
            _ => creation,
        };
        return result.WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>What the fix would move, and where; null when no safe rewrite exists.</summary>
    private sealed class Plan
    {
        private Plan(SyntaxNode settingUnit, SyntaxNode startUnit, AssignmentExpressionSyntax? assignment)
        {
            SettingUnit = settingUnit;
            StartUnit = startUnit;
            Assignment = assignment;
        }

        /// <summary>The statement that configures the thread (or its top-level wrapper).</summary>
        public SyntaxNode SettingUnit { get; }

        /// <summary>The statement that starts the thread (or its top-level wrapper).</summary>
        public SyntaxNode StartUnit { get; }

        /// <summary>The <c>t.IsBackground = value</c> assignment, when the setting is that property.</summary>
        public AssignmentExpressionSyntax? Assignment { get; }

        /// <summary>The <c>new Thread(...)</c> that created the thread, when it is visible and the value can move there.</summary>
        public ExpressionSyntax? Creation { get; private set; }

        /// <summary>The statement holding <see cref="Creation"/>.</summary>
        public SyntaxNode CreationUnit { get; private set; } = null!;

        public static Plan? TryCreate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.AdditionalLocations.Count == 0 ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } siteNode ||
                root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not { } startNode)
            {
                return null;
            }

            var site = siteNode.FirstAncestorOrSelf<ExpressionSyntax>(e => e.Span == diagnostic.Location.SourceSpan);
            var start = startNode.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (WholeExpression(site)?.Parent is not ExpressionStatementSyntax settingStatement ||
                WholeExpression(start)?.Parent is not ExpressionStatementSyntax startStatement)
            {
                return null;
            }

            var startUnit = StatementEditing.MovableUnit(startStatement);
            StatementSyntax moved = settingStatement;
            var settingUnit = StatementEditing.MovableUnit(moved);
            if (!StatementEditing.AreSiblings(settingUnit, startUnit) && GuardingIf(settingStatement) is { } guard &&
                !ReadsTheThread(model, guard.Condition, startStatement, cancellationToken))
            {
                // `if (quiet) t.IsBackground = true;` after the Start: the whole `if` moves before it.
                moved = guard;
                settingUnit = StatementEditing.MovableUnit(guard);
            }

            if (!StatementEditing.AreSiblings(settingUnit, startUnit) || startUnit.SpanStart >= settingUnit.SpanStart)
            {
                return null;
            }

            var between = Statements(startUnit.Parent!).Where(s => s.SpanStart >= startUnit.SpanStart && s.SpanStart < settingUnit.SpanStart).ToList();
            if (!CanMoveBefore(model, moved, startUnit, between, ignored: null))
            {
                return null;
            }

            var plan = new Plan(settingUnit, startUnit, site as AssignmentExpressionSyntax);
            if (moved == settingStatement)
            {
                plan.FindCreation(model, settingStatement, cancellationToken);
            }

            return plan;
        }

        /// <summary>
        /// The <c>if</c> (no <c>else</c>) whose body is only <paramref name="setting"/>, directly or as the one statement
        /// of its block; null otherwise.
        /// </summary>
        private static IfStatementSyntax? GuardingIf(ExpressionStatementSyntax setting) => setting.Parent switch
        {
            IfStatementSyntax { Else: null } direct when direct.Statement == setting => direct,
            BlockSyntax { Statements.Count: 1, Parent: IfStatementSyntax { Else: null } viaBlock } => viaBlock,
            _ => null,
        };

        /// <summary>
        /// True when the condition names the started thread (<c>if (t.IsAlive)</c>): before the Start it would read
        /// another state, so the <c>if</c> cannot move there.
        /// </summary>
        private static bool ReadsTheThread(SemanticModel model, ExpressionSyntax condition, ExpressionStatementSyntax start, CancellationToken cancellationToken)
        {
            var threads = start.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
                .Select(a => model.GetSymbolInfo(a.Expression, cancellationToken).Symbol)
                .Where(symbol => symbol is not null)
                .ToList();
            return threads.Count == 0 || condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n =>
                threads.Contains(model.GetSymbolInfo(n, cancellationToken).Symbol, SymbolEqualityComparer.Default));
        }

        /// <summary><c>.Start()</c> in <c>t?.Start()</c> is part of the conditional access: the statement holds that.</summary>
        private static ExpressionSyntax? WholeExpression(ExpressionSyntax? expression)
        {
            while (expression?.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull == expression)
            {
                expression = access;
            }

            return expression;
        }

        private void FindCreation(SemanticModel model, ExpressionStatementSyntax settingStatement, CancellationToken cancellationToken)
        {
            if (Assignment is not { Left: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax threadName } } ||
                model.GetSymbolInfo(threadName, cancellationToken).Symbol is not ILocalSymbol local ||
                Assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == local.Name))
            {
                return;
            }

            // The nearest statement before the Start that writes the local must create it with `new Thread(...)`.
            var statements = Statements(StartUnit.Parent!);
            var startIndex = statements.IndexOf(StartUnit);
            for (var i = startIndex - 1; i >= 0; i--)
            {
                var candidate = statements[i];
                var creation = CreationOf(candidate, local, model, cancellationToken);
                if (creation is not null)
                {
                    var between = statements.Skip(i).Take(statements.IndexOf(SettingUnit) - i).ToList();
                    if (CanMoveBefore(model, settingStatement, candidate, between, local))
                    {
                        Creation = creation;
                        CreationUnit = candidate;
                    }

                    return;
                }

                if (Writes(model, candidate, local))
                {
                    return;
                }
            }
        }

        private static ExpressionSyntax? CreationOf(SyntaxNode unit, ILocalSymbol local, SemanticModel model, CancellationToken cancellationToken)
        {
            var statement = StatementEditing.StatementOf(unit);
            ExpressionSyntax? value = statement switch
            {
                LocalDeclarationStatementSyntax declaration => declaration.Declaration.Variables
                    .FirstOrDefault(v => SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(v, cancellationToken), local))?.Initializer?.Value,
                ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } assignment }
                    when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                         SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local) => assignment.Right,
                _ => null,
            };
            return value is BaseObjectCreationExpressionSyntax &&
                   ThreadingModel.Get(model.Compilation).Threads.IsThread(model.GetTypeInfo(value, cancellationToken).Type)
                ? value
                : null;
        }

        /// <summary>
        /// The setting can run earlier, at <paramref name="target"/>, when every local it reads is declared before the
        /// target and none is written between the target and the setting.
        /// </summary>
        private static bool CanMoveBefore(SemanticModel model, StatementSyntax setting, SyntaxNode target, List<SyntaxNode> between, ILocalSymbol? ignored)
        {
            var flow = model.AnalyzeDataFlow(setting);
            if (flow is null || !flow.Succeeded)
            {
                return false;
            }

            var written = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var unit in between)
            {
                var range = model.AnalyzeDataFlow(StatementEditing.StatementOf(unit));
                if (range is null || !range.Succeeded)
                {
                    return false;
                }

                written.UnionWith(range.WrittenInside);
            }

            foreach (var read in flow.ReadInside)
            {
                if (SymbolEqualityComparer.Default.Equals(read, ignored) || read is not (ILocalSymbol or IParameterSymbol))
                {
                    continue;
                }

                if (read is ILocalSymbol && read.DeclaringSyntaxReferences.Any(r => r.Span.Start >= target.SpanStart))
                {
                    return false;
                }

                if (written.Contains(read))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Writes(SemanticModel model, SyntaxNode unit, ILocalSymbol local)
        {
            var flow = model.AnalyzeDataFlow(StatementEditing.StatementOf(unit));
            return flow is null || !flow.Succeeded || flow.WrittenInside.Contains(local, SymbolEqualityComparer.Default);
        }

        private static List<SyntaxNode> Statements(SyntaxNode container) => container switch
        {
            BlockSyntax block => block.Statements.Cast<SyntaxNode>().ToList(),
            SwitchSectionSyntax section => section.Statements.Cast<SyntaxNode>().ToList(),
            CompilationUnitSyntax unit => unit.Members.OfType<GlobalStatementSyntax>().Cast<SyntaxNode>().ToList(),
            _ => new List<SyntaxNode>(),
        };
    }
}
