using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>
/// The statements between a lock acquisition and its release, in one statement list: the acquisition statement (or
/// none, when the acquisition is the condition of the <c>if</c> whose block this is), the region, and the release
/// statement (<c>Monitor.Exit(o);</c> or <c>if (taken) Monitor.Exit(o);</c>). Null when the pair is not in one list,
/// when a local declared in the region is used after it, or when the region cannot move into a block.
/// </summary>
internal sealed class LockRegionPlan
{
    private LockRegionPlan(SyntaxNode container, int acquireIndex, int regionStart, int releaseIndex)
    {
        Container = container;
        AcquireIndex = acquireIndex;
        RegionStart = regionStart;
        ReleaseIndex = releaseIndex;
    }

    /// <summary>The statement list: a block, a switch section or the compilation unit (top-level statements).</summary>
    public SyntaxNode Container { get; }

    /// <summary>The index of the acquisition statement, or -1 when the acquisition is the enclosing <c>if</c>'s condition.</summary>
    public int AcquireIndex { get; }

    public int RegionStart { get; }

    public int ReleaseIndex { get; }

    /// <summary>Region declarations of locals used after the release: declared before the acquisition, assigned in the region.</summary>
    public List<HoistedLocal> Hoisted { get; private set; } = new List<HoistedLocal>();

    /// <summary>
    /// The <c>try</c> right after the acquisition whose block ends with the release (and no catch or finally releases):
    /// the release moves into its <c>finally</c>. Null for every other plan.
    /// </summary>
    public TryStatementSyntax? ReleaseInTry { get; private set; }

    /// <summary>
    /// Releases inside the region right before a <c>return</c> (<c>Monitor.Exit(o); return;</c>): they go, since the
    /// finally (or the <c>lock</c>) releases on that path too.
    /// </summary>
    public List<ExpressionStatementSyntax> EarlyReleases { get; private set; } = new List<ExpressionStatementSyntax>();

    /// <summary>The first item the rewrite consumes.</summary>
    public int First => AcquireIndex >= 0 ? AcquireIndex : RegionStart;

    /// <summary>The lock expression of a <c>lock</c> statement that can replace the pair, or null.</summary>
    public ExpressionSyntax? LockExpression { get; private set; }

    public bool CanUseLockStatement => LockExpression is not null;

    /// <summary><c>await gate.EnterAsync(…)</c> (the runtime library's scope) that can replace the pair, or null.</summary>
    public ExpressionSyntax? EnterAsyncExpression { get; private set; }

    /// <summary>True when <see cref="EnterAsyncExpression"/> binds only with a <c>using ThreadWise;</c> added.</summary>
    public bool EnterAsyncNeedsImport { get; private set; }

    public static LockRegionPlan? TryCreate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var span = diagnostic.Location.SourceSpan;
        if (root.FindNode(span, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>(i => i.Span == span) is not { } acquireSyntax ||
            model.GetOperation(acquireSyntax, cancellationToken) is not IInvocationOperation invocation)
        {
            return null;
        }

        var locks = ThreadingModel.Get(model.Compilation).Locks;
        if (!locks.TryGetAction(invocation, out var action) || !action.IsAcquire || action.Kind == LockActionKind.ScopedAcquire ||
            !LockIdentity.TryCreate(action, out var identity))
        {
            return null;
        }

        var facts = new LockRegionFacts(model.Compilation, locks);
        var top = (ExpressionSyntax)acquireSyntax;
        while (true)
        {
            if (top.Parent is AwaitExpressionSyntax or ParenthesizedExpressionSyntax)
            {
                top = (ExpressionSyntax)top.Parent;
            }
            else if (top.Parent is MemberAccessExpressionSyntax access && access.Expression == top &&
                     access.Parent is InvocationExpressionSyntax outer &&
                     model.GetOperation(outer, cancellationToken) is IInvocationOperation outerOperation && facts.IsConfigureAwait(outerOperation))
            {
                top = outer;
            }
            else
            {
                break;
            }
        }

        SyntaxNode container;
        int acquireIndex;
        ILocalSymbol? flag = null;
        var tryAcquire = action.Kind == LockActionKind.TryAcquire;
        if (top.Parent is ExpressionStatementSyntax or EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax } } })
        {
            var statement = top.FirstAncestorOrSelf<StatementSyntax>()!;
            var unit = StatementEditing.MovableUnit(statement);
            if (unit.Parent is null)
            {
                return null;
            }

            container = unit.Parent;
            acquireIndex = Items(container).IndexOf(unit);
            if (tryAcquire)
            {
                flag = statement is LocalDeclarationStatementSyntax declaration
                    ? model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) as ILocalSymbol
                    : invocation.Arguments.Select(a => a.Value).OfType<ILocalReferenceOperation>().FirstOrDefault(
                        l => l.Type?.SpecialType == SpecialType.System_Boolean)?.Local;
                if (flag is null)
                {
                    return null;
                }
            }
            else if (statement is not ExpressionStatementSyntax)
            {
                return null;
            }
        }
        else if (tryAcquire && top.Parent is IfStatementSyntax { Statement: BlockSyntax then } ifStatement && ifStatement.Condition == top)
        {
            container = then;
            acquireIndex = -1;
        }
        else
        {
            return null;
        }

        if (container is not (BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax))
        {
            return null;
        }

        var items = Items(container);
        var regionStart = acquireIndex + 1;
        var releaseIndex = -1;
        var earlyReleases = new List<ExpressionStatementSyntax>();
        for (var i = regionStart; i < items.Count; i++)
        {
            var releases = ReleasesIn(items[i], model, identity, locks, cancellationToken).ToList();
            if (releases.Count > 0 && !IsPureRelease(Statement(items[i]), model, identity, locks, cancellationToken) &&
                releases.All(r => EarlyExitRelease(r, items[i]) is not null))
            {
                // `if (closed) { Monitor.Exit(o); return; }`: the finally will release there too.
                earlyReleases.AddRange(releases.Select(r => EarlyExitRelease(r, items[i])!));
                continue;
            }

            if (releases.Count > 0)
            {
                releaseIndex = i;
                break;
            }
        }

        if (releaseIndex == regionStart && flag is null && acquireIndex >= 0 &&
            Statement(items[releaseIndex]) is TryStatementSyntax tryStatement &&
            IsReleasedAtTheEndOfTry(tryStatement, model, identity, locks, cancellationToken))
        {
            return new LockRegionPlan(container, acquireIndex, regionStart, releaseIndex) { ReleaseInTry = tryStatement };
        }

        if (releaseIndex <= regionStart)
        {
            return null;
        }

        var releaseStatement = Statement(items[releaseIndex]);
        var pureRelease = IsPureRelease(releaseStatement, model, identity, locks, cancellationToken);
        if (releaseStatement is null ||
            !(pureRelease || IsGuardedRelease(releaseStatement, flag, model, identity, locks, cancellationToken)) ||
            (flag is not null && pureRelease) ||
            !RegionCanMove(items, regionStart, releaseIndex, model, cancellationToken, out var hoisted))
        {
            return null;
        }

        var plan = new LockRegionPlan(container, acquireIndex, regionStart, releaseIndex) { Hoisted = hoisted, EarlyReleases = earlyReleases };
        if (action.Kind == LockActionKind.Acquire && acquireIndex >= 0 && pureRelease)
        {
            plan.LockExpression = LockStatementExpression(invocation, action, model, items, acquireIndex, releaseIndex, regionStart);
            if (action.Primitive == LockPrimitive.SemaphoreSlim && top is AwaitExpressionSyntax awaited &&
                !StatementEditing.HasComments(items[releaseIndex]) &&
                model.GetOperation(((ExpressionStatementSyntax)releaseStatement!).Expression, cancellationToken) is IInvocationOperation { Arguments.Length: 0 })
            {
                plan.SetEnterAsync(model, acquireSyntax, awaited);
            }
        }

        return plan;
    }

    /// <summary>
    /// <c>await gate.WaitAsync(ct)</c> becomes <c>await gate.EnterAsync(ct)</c> (keeping a <c>ConfigureAwait</c>) when the
    /// compilation references the runtime library's <c>ThreadWise.SemaphoreSlimExtensions</c>.
    /// </summary>
    private void SetEnterAsync(SemanticModel model, InvocationExpressionSyntax waitAsync, AwaitExpressionSyntax awaited)
    {
        var extensions = model.Compilation.GetTypeByMetadataName("ThreadWise.SemaphoreSlimExtensions");
        if (extensions is null || extensions.GetMembers("EnterAsync").IsEmpty ||
            waitAsync.Expression is not MemberAccessExpressionSyntax { Expression: { } receiver })
        {
            return;
        }

        ExpressionSyntax enter = SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver.WithoutTrivia(), SyntaxFactory.IdentifierName("EnterAsync")),
            waitAsync.ArgumentList.WithoutTrivia());
        var probe = enter;
        for (var node = (SyntaxNode)waitAsync; node != awaited.Expression; node = node.Parent!)
        {
            // Re-apply .ConfigureAwait(…) around the new call.
            if (node.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax configure } access && access.Expression == node)
            {
                enter = SyntaxFactory.InvocationExpression(access.WithExpression(enter).WithoutTrivia(), configure.ArgumentList.WithoutTrivia());
                node = access;
            }
        }

        var bound = model.GetSpeculativeSymbolInfo(waitAsync.SpanStart, probe, SpeculativeBindingOption.BindAsExpression).Symbol;
        EnterAsyncNeedsImport = bound is not IMethodSymbol;
        EnterAsyncExpression = SyntaxFactory.AwaitExpression(enter);
    }

    /// <summary>The members of a statement list, in order (global statements for the compilation unit).</summary>
    public static List<SyntaxNode> Items(SyntaxNode container) => container switch
    {
        BlockSyntax block => block.Statements.Cast<SyntaxNode>().ToList(),
        SwitchSectionSyntax section => section.Statements.Cast<SyntaxNode>().ToList(),
        CompilationUnitSyntax unit => unit.Members.Cast<SyntaxNode>().ToList(),
        _ => new List<SyntaxNode>(),
    };

    public static StatementSyntax? Statement(SyntaxNode item) => item switch
    {
        GlobalStatementSyntax global => global.Statement,
        StatementSyntax statement => statement,
        _ => null,
    };

    private static IEnumerable<IInvocationOperation> ReleasesIn(SyntaxNode node, SemanticModel model, LockIdentity identity, LockApi locks, CancellationToken cancellationToken)
    {
        foreach (var syntax in node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetOperation(syntax, cancellationToken) is IInvocationOperation operation && identity.IsReleasedBy(operation, locks))
            {
                yield return operation;
            }
        }
    }

    private static bool IsPureRelease(StatementSyntax? statement, SemanticModel model, LockIdentity identity, LockApi locks, CancellationToken cancellationToken) =>
        statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax release } &&
        model.GetOperation(release, cancellationToken) is IInvocationOperation operation && identity.IsReleasedBy(operation, locks);

    /// <summary>
    /// <c>try { …; release; } catch { … }</c>: the block's last statement is the only release in the statement, and the
    /// release is a plain statement with no comment (it moves into the finally).
    /// </summary>
    private static bool IsReleasedAtTheEndOfTry(TryStatementSyntax statement, SemanticModel model, LockIdentity identity, LockApi locks, CancellationToken cancellationToken)
    {
        var last = statement.Block.Statements.LastOrDefault();
        return last is not null && statement.Block.Statements.Count > 1 && IsPureRelease(last, model, identity, locks, cancellationToken) &&
               !StatementEditing.HasComments(last) &&
               ReleasesIn(statement, model, identity, locks, cancellationToken).Count() == 1;
    }

    /// <summary>The <c>try</c> with its last statement (the release) moved to the start of its <c>finally</c>.</summary>
    public static TryStatementSyntax MoveReleaseToFinally(TryStatementSyntax statement)
    {
        var release = statement.Block.Statements.Last();
        var block = statement.Block.WithStatements(statement.Block.Statements.RemoveAt(statement.Block.Statements.Count - 1));
        var moved = release.WithoutLeadingTrivia().WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
        var @finally = statement.Finally is { } existing
            ? existing.WithBlock(existing.Block.WithStatements(existing.Block.Statements.Insert(0, moved)))
            : SyntaxFactory.FinallyClause(SyntaxFactory.Block(moved)).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
        return statement.WithBlock(block).WithFinally(@finally);
    }

    /// <summary>
    /// The release statement when <paramref name="release"/> is a statement of a nested block of <paramref name="item"/>
    /// (not in a lambda or local function), has no comment, and is followed by <c>return;</c> or a <c>return</c> of a
    /// constant or a variable: removing it only moves the release to the finally, with nothing evaluated in between.
    /// </summary>
    private static ExpressionStatementSyntax? EarlyExitRelease(IInvocationOperation release, SyntaxNode item)
    {
        if (release.Syntax.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax block } statement ||
            StatementEditing.HasComments(statement) ||
            statement.Ancestors().TakeWhile(a => a != item).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
        {
            return null;
        }

        var index = block.Statements.IndexOf(statement);
        return index + 1 < block.Statements.Count &&
               block.Statements[index + 1] is ReturnStatementSyntax
               {
                   Expression: null or LiteralExpressionSyntax or IdentifierNameSyntax or DefaultExpressionSyntax or
                   PrefixUnaryExpressionSyntax { Operand: LiteralExpressionSyntax },
               }
            ? statement
            : null;
    }

    /// <summary><c>if (taken) Monitor.Exit(o);</c> with the acquisition's flag and nothing else.</summary>
    private static bool IsGuardedRelease(StatementSyntax statement, ILocalSymbol? flag, SemanticModel model, LockIdentity identity, LockApi locks, CancellationToken cancellationToken)
    {
        if (flag is null || statement is not IfStatementSyntax { Else: null, Condition: IdentifierNameSyntax condition } ifStatement ||
            !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(condition, cancellationToken).Symbol, flag))
        {
            return false;
        }

        var body = ifStatement.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : ifStatement.Statement;
        return IsPureRelease(body, model, identity, locks, cancellationToken);
    }

    /// <summary>
    /// The region can become the body of a block when it is made of statements, has no label (a goto from outside
    /// could not reach it) and no local function. A local it declares that is used from the release on must be declared
    /// by a statement of the region itself (<c>var x = e;</c>, one variable of a type that can be written): that
    /// declaration is hoisted before the acquisition (<see cref="Hoisted"/>) and its initializer stays as an assignment.
    /// </summary>
    private static bool RegionCanMove(List<SyntaxNode> items, int start, int release, SemanticModel model, CancellationToken cancellationToken, out List<HoistedLocal> hoisted)
    {
        hoisted = new List<HoistedLocal>();
        var region = new List<StatementSyntax>();
        for (var i = start; i < release; i++)
        {
            if (Statement(items[i]) is not { } statement || statement is LabeledStatementSyntax or LocalFunctionStatementSyntax)
            {
                return false;
            }

            region.Add(statement);
        }

        if (Statement(items[release]) is null)
        {
            return false;
        }

        var flow = model.AnalyzeDataFlow(region[0], region[region.Count - 1]);
        if (flow is null || !flow.Succeeded)
        {
            return false;
        }

        if (flow.VariablesDeclared.IsEmpty)
        {
            return true;
        }

        var declared = new HashSet<ISymbol>(flow.VariablesDeclared, SymbolEqualityComparer.Default);
        var usedAfter = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        for (var i = release; i < items.Count; i++)
        {
            foreach (var name in items[i].DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (model.GetSymbolInfo(name, cancellationToken).Symbol is { } symbol && declared.Contains(symbol))
                {
                    usedAfter.Add(symbol);
                }
            }
        }

        foreach (var local in usedAfter)
        {
            var index = region.FindIndex(s => s is LocalDeclarationStatementSyntax { Declaration.Variables: [var only] } &&
                                               SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(only, cancellationToken), local));
            if (index < 0 || HoistedLocal.TryCreate(model, (LocalDeclarationStatementSyntax)region[index], start + index, cancellationToken) is not { } hoist)
            {
                return false;
            }

            hoisted.Add(hoist);
        }

        hoisted.Sort((a, b) => a.Index.CompareTo(b.Index));
        return true;
    }

    /// <summary>
    /// <c>lock (o)</c> for <c>Monitor.Enter(o)</c> on a reference type (not a <c>Lock</c>, whose <c>lock</c> means
    /// something else) and <c>lock (lk)</c> for <c>lk.Enter()</c> from C# 13; never when the region awaits or yields
    /// (CS1996), nor when a comment on the two removed statements would be lost.
    /// </summary>
    private static ExpressionSyntax? LockStatementExpression(
        IInvocationOperation invocation,
        LockAction action,
        SemanticModel model,
        List<SyntaxNode> items,
        int acquireIndex,
        int releaseIndex,
        int regionStart)
    {
        var locks = ThreadingModel.Get(model.Compilation).Locks;
        ExpressionSyntax? expression = null;
        if (action.Primitive == LockPrimitive.Monitor && invocation.Arguments.Length == 1)
        {
            var value = invocation.Arguments[0].Value;
            var lockObject = value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : value;
            if (lockObject.Type is { IsReferenceType: true } type && !type.Is(locks.Lock) && type.TypeKind != TypeKind.TypeParameter)
            {
                expression = lockObject.Syntax as ExpressionSyntax;
            }
        }
        else if (action.Primitive == LockPrimitive.Lock && invocation.Instance?.Syntax is ExpressionSyntax receiver &&
                 (int)((CSharpParseOptions)invocation.Syntax.SyntaxTree.Options).LanguageVersion >= 1300)
        {
            expression = receiver;
        }

        if (expression is null ||
            StatementEditing.HasComments(items[releaseIndex]) ||
            items[acquireIndex].GetTrailingTrivia().Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia)))
        {
            return null;
        }

        for (var i = regionStart; i < releaseIndex; i++)
        {
            if (AwaitsOrYields(items[i]))
            {
                return null;
            }
        }

        return expression;
    }

    /// <summary>The node awaits or yields outside its lambdas and local functions: it cannot sit in a <c>lock</c> (CS1996).</summary>
    internal static bool AwaitsOrYields(SyntaxNode node) =>
        node.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Any(n => n is AwaitExpressionSyntax or YieldStatementSyntax ||
                      n is CommonForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } ||
                      n is UsingStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } ||
                      n is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword });
}
