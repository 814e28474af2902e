using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0018: <c>t.Start(); Console.WriteLine(total); t.Join();</c> → <c>t.Start(); t.Join(); Console.WriteLine(total);</c>.
/// The read's statement, and the statements after it up to the waits, move after the last wait, in order, with their
/// comments. Offered only when the analyzer found the move exactly safe (see <c>ReadMove</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0018ReadBeforeWaitCodeFix))]
[Shared]
public sealed class TW0018ReadBeforeWaitCodeFix : ThreadWiseCodeFixProvider
{
    public const string MoveAfterWaitKey = "TW0018.MoveReadAfterWait";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ReadBeforeWait);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (Plan(scope.Root, diagnostic) is not null)
        {
            yield return new FixOption("Move the read after the wait", MoveAfterWaitKey);
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);

        // Per block: the statements to move and the index of the last wait each group moves after.
        var byBlock = new Dictionary<BlockSyntax, Dictionary<int, SortedSet<int>>>();
        foreach (var (diagnostic, _) in fixes)
        {
            if (Plan(editor.OriginalRoot, diagnostic) is not { } plan)
            {
                continue;
            }

            if (!byBlock.TryGetValue(plan.Block, out var groups))
            {
                byBlock[plan.Block] = groups = new Dictionary<int, SortedSet<int>>();
            }

            if (!groups.TryGetValue(plan.LastWait, out var moved))
            {
                groups[plan.LastWait] = moved = new SortedSet<int>();
            }

            for (var i = plan.From; i < plan.FirstWait; i++)
            {
                moved.Add(i);
            }
        }

        foreach (var pair in byBlock)
        {
            var groups = pair.Value;
            editor.ReplaceNode(pair.Key, (current, _) => Move((BlockSyntax)current, groups));
        }

        return editor.GetChangedDocument();
    }

    private static BlockSyntax Move(BlockSyntax block, Dictionary<int, SortedSet<int>> groups)
    {
        var statements = block.Statements;
        var movedAll = new HashSet<int>(groups.Values.SelectMany(g => g));
        var result = new List<StatementSyntax>();
        for (var i = 0; i < statements.Count; i++)
        {
            if (!movedAll.Contains(i))
            {
                result.Add(statements[i]);
            }

            if (groups.TryGetValue(i, out var moved))
            {
                result.AddRange(moved.Select(m => statements[m]));
            }
        }

        return block.WithStatements(SyntaxFactory.List(result));
    }

    private sealed record MovePlan(BlockSyntax Block, int From, int FirstWait, int LastWait);

    private static MovePlan? Plan(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(TW0018ReadBeforeWaitAnalyzer.MoveAfterProperty, out var after) ||
            !diagnostic.Properties.TryGetValue(TW0018ReadBeforeWaitAnalyzer.FirstWaitProperty, out var first) ||
            !int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterStart) ||
            !int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var firstStart))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var statement = node.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent is BlockSyntax);
        if (statement?.Parent is not BlockSyntax block)
        {
            return null;
        }

        var statements = block.Statements;
        var from = statements.IndexOf(statement);
        var firstWait = IndexAt(statements, firstStart);
        var lastWait = IndexAt(statements, afterStart);
        return from >= 0 && from < firstWait && firstWait <= lastWait ? new MovePlan(block, from, firstWait, lastWait) : null;
    }

    private static int IndexAt(SyntaxList<StatementSyntax> statements, int spanStart)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i].SpanStart == spanStart)
            {
                return i;
            }
        }

        return -1;
    }
}
