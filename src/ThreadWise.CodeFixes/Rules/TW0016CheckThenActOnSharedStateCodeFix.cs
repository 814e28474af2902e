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
using Microsoft.CodeAnalysis.Text;
using ThreadWise.Analyzers;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0016: wraps the whole <c>if</c> (check and act) in <c>lock</c> — for a guard clause, the guard and the statements
/// of its block through the last write of what it checks (<see cref="TW0016GuardSpan"/>) — on the lock the type's
/// other writes of the field already take when they all take one, otherwise on TW0001's dedicated lock object (one per type and staticness, so
/// both rules' fixes lock the same object); or, second, turns it into <c>Atomic.TryUpdate</c> where that is the same
/// code made atomic (<see cref="TW0016AtomicPlan"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0016CheckThenActOnSharedStateCodeFix))]
[Shared]
public sealed class TW0016CheckThenActOnSharedStateCodeFix : ThreadWiseCodeFixProvider
{
    public const string WrapInLockKey = "TW0016.WrapInLock";
    public const string UseAtomicKey = "TW0016.UseAtomicTryUpdate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CheckThenActOnSharedState);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Find(scope.Root, diagnostic) is not { } statement)
        {
            yield break;
        }

        if (LockPlan(scope.Model, statement, cancellationToken) is var (plan, existing, _) && plan is not null)
        {
            var name = existing ?? (plan.Type is null ? "sync" : plan.IsStatic ? LockFields.StaticName : LockFields.InstanceName);
            yield return new FixOption($"Wrap in lock ({name})", WrapInLockKey);
        }

        if (TW0016AtomicPlan.TryCreate(scope.Model, statement, cancellationToken) is not null)
        {
            yield return new FixOption("Use Atomic.TryUpdate", UseAtomicKey);
        }
    }

    private static IfStatementSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.SourceSpan;
        return root.FindToken(span.Start).Parent is IfStatementSyntax statement && statement.IfKeyword.SpanStart == span.Start &&
               statement.CloseParenToken.Span.End == span.End
            ? statement
            : null;
    }

    /// <summary>
    /// The lock plan, the existing lock field to use (null: the dedicated one), and for a guard clause the statements
    /// the lock holds (<see cref="TW0016GuardSpan"/>; null: the <c>if</c> alone).
    /// </summary>
    private static (TW0001LockPlan? Plan, string? Existing, TW0016GuardSpan? Guard) LockPlan(SemanticModel model, IfStatementSyntax statement, CancellationToken cancellationToken)
    {
        if (statement.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax).OfType<AwaitExpressionSyntax>().Any() ||
            model.GetOperation(statement, cancellationToken) is not IConditionalOperation conditional)
        {
            return (null, null, null);
        }

        var guard = TW0016GuardSpan.TryCreate(model, statement, cancellationToken);
        var storage = guard?.Storage ?? CheckedStorage(conditional);
        if (guard is null && storage is null && TW0016GuardSpan.AlwaysLeaves(statement))
        {
            // A guard clause whose span cannot sit in a lock (it awaits, holds a label, or is not in a block): wrapping
            // the if alone would leave the act outside.
            return (null, null, null);
        }

        var plan = TW0001LockPlan.ForStatement(model, statement, storage, cancellationToken);
        if (guard is not null && plan?.Kind != TW0001LockUnitKind.ListedStatement)
        {
            return (null, null, null);
        }

        return (plan, plan?.Type is { } type && storage is IFieldSymbol field ? TW0016ExistingLock.Find(model, type, field, plan.IsStatic, cancellationToken) : null, guard);
    }

    /// <summary>The field, property or local the condition reads and the branches write.</summary>
    private static ISymbol? CheckedStorage(IConditionalOperation conditional)
    {
        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in conditional.Condition.DescendantsAndSelf())
        {
            if (Symbol(operation) is { } symbol)
            {
                read.Add(symbol);
            }
        }

        foreach (var branch in new[] { conditional.WhenTrue, conditional.WhenFalse })
        {
            foreach (var operation in branch?.DescendantsAndSelf() ?? Enumerable.Empty<IOperation>())
            {
                var target = operation switch
                {
                    IIncrementOrDecrementOperation i => i.Target,
                    IAssignmentOperation a => a.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref } argument => argument.Value,
                    _ => null,
                };
                if (target is not null && Symbol(target) is { } written && read.Contains(written))
                {
                    return written;
                }
            }
        }

        return null;
    }

    private static ISymbol? Symbol(IOperation operation) => operation switch
    {
        IFieldReferenceOperation f => f.Field,
        IPropertyReferenceOperation p => p.Property,
        ILocalReferenceOperation l => l.Local,
        IParameterReferenceOperation p => p.Parameter,
        _ => null,
    };

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var plans = new List<TW0001LockPlan>();
        var guards = new Dictionary<TW0001LockPlan, TW0016GuardSpan>();
        var existing = new Dictionary<TW0001LockPlan, string>();
        var needsUsing = false;
        var units = new HashSet<SyntaxNode>();
        foreach (var (diagnostic, key) in fixes.OrderBy(f => f.Diagnostic.Location.SourceSpan.Start))
        {
            if (Find(root, diagnostic) is not { } statement)
            {
                continue;
            }

            if (key == WrapInLockKey && LockPlan(model, statement, cancellationToken) is ({ } plan, var lockName, var guard) && units.Add(plan.Unit))
            {
                plans.Add(plan);
                if (guard is not null)
                {
                    guards[plan] = guard;
                }

                if (lockName is not null)
                {
                    existing[plan] = lockName;
                }
            }
            else if (key == UseAtomicKey && TW0016AtomicPlan.TryCreate(model, statement, cancellationToken) is { } atomic)
            {
                needsUsing |= atomic.NeedsUsing;
                editor.ReplaceNode(statement, atomic.Replacement.WithAdditionalAnnotations(Formatter.Annotation));
            }
        }

        // An if nested in another wrapped if, or in a guard clause's span, is locked by the outer lock already (a guard
        // clause's span takes in the spans of the guard clauses it holds, so spans nest or stay apart).
        TextSpan SpanOf(TW0001LockPlan p) => guards.TryGetValue(p, out var g) ? g.Span : p.Unit.Span;
        plans.RemoveAll(p => plans.Any(o => o != p && SpanOf(o).Contains(SpanOf(p)) && (SpanOf(o) != SpanOf(p) || o.Unit.SpanStart < p.Unit.SpanStart)));
        var names = TW0001UnsynchronizedReadModifyWriteCodeFix.LockObjects.Declare(editor, model, plans.Where(p => !existing.ContainsKey(p)).ToList(), cancellationToken);
        foreach (var pair in existing)
        {
            if (plans.Contains(pair.Key))
            {
                names[pair.Key] = pair.Value;
            }
        }

        // The wrapped if moves one level in: the formatter re-indents its inner lines (TW0001's layout indents the first).
        foreach (var plan in plans)
        {
            foreach (var wrapped in guards.TryGetValue(plan, out var guard) ? guard.Statements.Cast<SyntaxNode>() : new[] { plan.Unit })
            {
                editor.ReplaceNode(wrapped, (current, _) => current.WithAdditionalAnnotations(Formatter.Annotation));
            }
        }

        var newLine = TW0001LockWrapping.NewLine(root);
        var marks = plans.Where(p => p.Kind == TW0001LockUnitKind.ListedStatement).ToDictionary(p => p, p => TW0001LockWrapping.Mark(editor, p.Unit));
        foreach (var pair in guards.Where(g => plans.Contains(g.Key)))
        {
            // Every statement of a guard clause's span carries its mark: one lock over them all, blank lines included.
            foreach (var statement in pair.Value.Statements.Skip(1))
            {
                editor.ReplaceNode(statement, (current, _) => current.WithAdditionalAnnotations(marks[pair.Key]));
            }
        }

        var edits = plans.Where(p => p.Kind != TW0001LockUnitKind.ListedStatement)
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

        if (needsUsing && editor.OriginalRoot is CompilationUnitSyntax unit && !UsingDirectives.Has(unit, "ThreadWise"))
        {
            editor.ReplaceNode(unit, (current, _) => UsingDirectives.Add((CompilationUnitSyntax)current, "ThreadWise"));
        }

        return editor.GetChangedDocument();
    }
}
