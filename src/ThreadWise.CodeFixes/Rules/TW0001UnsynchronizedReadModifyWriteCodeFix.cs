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
using ThreadWise.CodeFixes.Infrastructure;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0001: <c>x++</c>/<c>x--</c>/<c>x += n</c>/<c>x -= n</c> on an <c>int</c> or <c>long</c> (and the unsigned types
/// <c>Interlocked</c> supports on the target framework) that can be passed by <c>ref</c> becomes
/// <c>Interlocked.Increment/Decrement/Add</c>; anything else (double, decimal, properties, <c>x = x + n</c>, checked
/// arithmetic) is wrapped in <c>lock</c> on a dedicated <c>readonly object</c> the fix adds to the type (a local in
/// top-level statements) — one per type and staticness, shared by every site Fix All touches in the document, and
/// consecutive statements that take the same lock share one <c>lock</c> block.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0001UnsynchronizedReadModifyWriteCodeFix))]
[Shared]
public sealed class TW0001UnsynchronizedReadModifyWriteCodeFix : ThreadWiseCodeFixProvider
{
    public const string UseInterlockedKey = "TW0001.UseInterlocked";
    public const string WrapInLockKey = "TW0001.WrapInLock";

    private const string LocalLockName = "sync";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(RuleIds.UnsynchronizedReadModifyWrite);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (FindSite(scope.Root, diagnostic) is not { } site)
        {
            yield break;
        }

        if (TW0001InterlockedPlan.TryCreate(scope.Model, site, cancellationToken) is not null)
        {
            yield return new FixOption("Use Interlocked", UseInterlockedKey);
        }
        else if (TW0001LockPlan.TryCreate(scope.Model, site, cancellationToken) is { } plan)
        {
            var name = plan.Type is null ? LocalLockName : plan.IsStatic ? LockFields.StaticName : LockFields.InstanceName;
            yield return new FixOption($"Wrap in lock ({name})", WrapInLockKey);
        }
    }

    private static ExpressionSyntax? FindSite(SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return node?.FirstAncestorOrSelf<ExpressionSyntax>(e => e.Span == diagnostic.Location.SourceSpan &&
            e is PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax or AssignmentExpressionSyntax);
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var needsUsing = false;
        var lockPlans = new List<TW0001LockPlan>();
        var units = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, key) in fixes.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            if (FindSite(root, diagnostic) is not { } site)
            {
                continue;
            }

            if (key == UseInterlockedKey && TW0001InterlockedPlan.TryCreate(model, site, cancellationToken) is { } interlocked)
            {
                needsUsing |= !interlocked.InterlockedInScope;
                editor.ReplaceNode(site, interlocked.Replacement.WithTriviaFrom(site));
            }
            else if (key == WrapInLockKey && TW0001LockPlan.TryCreate(model, site, cancellationToken) is { } plan && units.Add(plan.Unit))
            {
                lockPlans.Add(plan);
            }
        }

        var names = LockObjects.Declare(editor, model, lockPlans, cancellationToken);

        // Deepest first, so an edit that rebuilds a node (a statement list, a lambda) sees the edits inside it.
        var newLine = TW0001LockWrapping.NewLine(root);
        var marks = lockPlans.Where(p => p.Kind == TW0001LockUnitKind.ListedStatement)
            .ToDictionary(p => p, p => TW0001LockWrapping.Mark(editor, p.Unit));
        var edits = lockPlans.Where(p => p.Kind != TW0001LockUnitKind.ListedStatement)
            .Select(p => (Node: p.Unit, Apply: (System.Action)(() => TW0001LockWrapping.Apply(editor, p, names[p]))))
            .Concat(marks.Keys.GroupBy(p => p.Unit.Parent is GlobalStatementSyntax ? p.Unit.Parent.Parent! : p.Unit.Parent!)
                .Select(g => (Node: g.Key, Apply: (System.Action)(() =>
                    TW0001LockWrapping.ApplyToList(editor, g.Key, g.ToDictionary(p => marks[p], p => names[p]), newLine)))))
            .OrderByDescending(e => e.Node.Ancestors().Count())
            .ToList();
        foreach (var edit in edits)
        {
            edit.Apply();
        }

        if (needsUsing && editor.OriginalRoot is CompilationUnitSyntax unit)
        {
            editor.ReplaceNode(unit, (current, _) => AddThreadingUsing((CompilationUnitSyntax)current, newLine));
        }

        return editor.GetChangedDocument();
    }

    private static CompilationUnitSyntax AddThreadingUsing(CompilationUnitSyntax unit, SyntaxTrivia newLine)
    {
        const string name = "System.Threading";
        if (unit.Usings.Any(u => u.Name?.ToString() == name))
        {
            return unit;
        }

        var directive = UsingDirective(ParseName(name)).WithTrailingTrivia(newLine);
        var index = 0;
        while (index < unit.Usings.Count && unit.Usings[index].Alias is null && unit.Usings[index].StaticKeyword.IsKind(SyntaxKind.None) &&
               string.CompareOrdinal(unit.Usings[index].Name?.ToString(), name) < 0)
        {
            index++;
        }

        return unit.WithUsings(unit.Usings.Insert(index, directive));
    }

    /// <summary>The lock objects: one field per type and staticness (an existing one of that name is reused), or a top-level local.</summary>
    internal static class LockObjects
    {
        public static Dictionary<TW0001LockPlan, string> Declare(DocumentEditor editor, SemanticModel model, List<TW0001LockPlan> plans, CancellationToken cancellationToken)
        {
            var result = new Dictionary<TW0001LockPlan, string>();
            var fields = new Dictionary<(TypeDeclarationSyntax Type, bool IsStatic), string>();
            var topLevel = plans.Where(p => p.Type is null).ToList();
            string? local = null;
            if (topLevel.Count > 0)
            {
                local = DeclareLocal(editor, model, topLevel, cancellationToken);
            }

            foreach (var plan in plans)
            {
                if (plan.Type is null)
                {
                    result[plan] = local!;
                    continue;
                }

                if (!fields.TryGetValue((plan.Type, plan.IsStatic), out var name))
                {
                    name = LockFields.Choose(model, plan.Type, plan.IsStatic, cancellationToken, out var exists);
                    fields[(plan.Type, plan.IsStatic)] = name;
                    if (!exists)
                    {
                        LockFields.Add(editor, plan.Type, name, plan.IsStatic);
                    }
                }

                result[plan] = name;
            }

            return result;
        }

        /// <summary>
        /// <c>var sync = new object();</c> just before the first top-level statement that holds an update, after its
        /// leading blank lines and before its comments (which stay with it).
        /// </summary>
        private static string DeclareLocal(DocumentEditor editor, SemanticModel model, List<TW0001LockPlan> plans, CancellationToken cancellationToken)
        {
            var first = plans.Select(p => p.Unit.FirstAncestorOrSelf<GlobalStatementSyntax>()!).OrderBy(g => g.SpanStart).First();
            var name = LocalLockName;
            for (var i = 2; plans.Any(p => !model.LookupSymbols(p.Unit.SpanStart, name: name).IsEmpty) ||
                            !model.LookupSymbols(first.SpanStart, name: name).IsEmpty; i++)
            {
                name = LocalLockName + i;
            }

            var leading = first.GetLeadingTrivia();
            var blank = leading.TakeWhile(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.WhitespaceTrivia)).ToList();
            while (blank.Count > 0 && blank[blank.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                blank.RemoveAt(blank.Count - 1);
            }

            var declaration = GlobalStatement(LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"))
                    .AddVariables(VariableDeclarator(name).WithInitializer(EqualsValueClause(
                        ObjectCreationExpression(PredefinedType(Token(SyntaxKind.ObjectKeyword))).WithArgumentList(ArgumentList()))))))
                .WithLeadingTrivia(blank)
                .WithTrailingTrivia(TW0001LockWrapping.NewLine(first))
                .WithAdditionalAnnotations(Formatter.Annotation);
            editor.InsertBefore(first, declaration);
            if (blank.Count > 0)
            {
                editor.ReplaceNode(first, (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().Skip(blank.Count)));
            }

            return name;
        }
    }
}
