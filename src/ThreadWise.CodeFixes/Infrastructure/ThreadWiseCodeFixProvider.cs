using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>One fix a rule can offer for one diagnostic: its light-bulb title and its stable equivalence key.</summary>
internal readonly record struct FixOption(string Title, string EquivalenceKey);

/// <summary>What a fixer reads to decide its options: the document, its root and semantic model, loaded once.</summary>
internal sealed record FixScope(Document Document, SyntaxNode Root, SemanticModel Model);

/// <summary>
/// The base every ThreadWise fixer derives from. A fixer says, per diagnostic, which fixes it offers (first = the one
/// the light bulb puts on top) and how to apply a chosen fix to a set of diagnostics of one document. The base owns the
/// boilerplate (root and model, registration) and the one Fix All every fixer shares: each diagnostic gets the fix
/// named by the Fix All equivalence key when it offers that fix, and otherwise the first fix it offers, so Fix All run
/// with a null key or another fix's key (as <c>dotnet format analyzers</c> does) still fixes every report that has a
/// fix; a diagnostic with nothing to offer is skipped, not the batch.
/// </summary>
public abstract class ThreadWiseCodeFixProvider : CodeFixProvider
{
    /// <summary>The fixes offered for <paramref name="diagnostic"/>, best first; empty when none is safe.</summary>
    private protected abstract IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the chosen fix to each diagnostic, all in <paramref name="document"/>, as one edit of the document
    /// (fixes may nest or touch each other: the implementation resolves that). Only diagnostics whose
    /// <see cref="GetFixes"/> offered the chosen key are passed.
    /// </summary>
    private protected abstract Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken);

    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var scope = await LoadAsync(context.Document, context.CancellationToken).ConfigureAwait(false);
        if (scope is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var option in GetFixes(scope, diagnostic, context.CancellationToken))
            {
                var chosen = new[] { (diagnostic, option.EquivalenceKey) };
                context.RegisterCodeFix(
                    CodeAction.Create(option.Title, ct => ApplyAsync(context.Document, chosen, ct), option.EquivalenceKey),
                    diagnostic);
            }
        }
    }

    private async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var scope = await LoadAsync(document, context.CancellationToken).ConfigureAwait(false);
        if (scope is null)
        {
            return null;
        }

        var chosen = new List<(Diagnostic, string)>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            string? first = null;
            string? matching = null;
            foreach (var option in GetFixes(scope, diagnostic, context.CancellationToken))
            {
                first ??= option.EquivalenceKey;
                if (option.EquivalenceKey == context.CodeActionEquivalenceKey)
                {
                    matching = option.EquivalenceKey;
                    break;
                }
            }

            if ((matching ?? first) is { } key)
            {
                chosen.Add((diagnostic, key));
            }
        }

        return chosen.Count == 0 ? null : await ApplyAsync(document, chosen, context.CancellationToken).ConfigureAwait(false);
    }

    private static async Task<FixScope?> LoadAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return root is null || model is null ? null : new FixScope(document, root, model);
    }
}
