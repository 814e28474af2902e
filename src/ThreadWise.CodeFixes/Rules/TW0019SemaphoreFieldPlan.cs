using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>One <c>Monitor.Enter(f);</c> or <c>Monitor.Exit(f);</c> statement of the field being converted.</summary>
internal readonly record struct FieldLockUse(ExpressionStatementSyntax Statement, ExpressionSyntax Receiver, bool IsEnter, bool InAsyncCode);

/// <summary>
/// Whether the lock field a TW0019 diagnostic names can become a <c>SemaphoreSlim(1, 1)</c> without changing anything
/// else: a private <c>object</c> field created by its initializer in this document, every use of it a
/// <c>Monitor.Enter(f);</c>/<c>Monitor.Exit(f);</c> statement, never entered again while held (directly, or through a
/// method of the type that uses it: a semaphore is not reentrant), and no <c>Enter</c> to become an <c>await</c>
/// inside a <c>lock</c> statement.
/// </summary>
internal sealed class SemaphoreFieldPlan
{
    private SemaphoreFieldPlan(IFieldSymbol field, FieldDeclarationSyntax declaration, VariableDeclaratorSyntax declarator)
    {
        Field = field;
        Declaration = declaration;
        Declarator = declarator;
    }

    public IFieldSymbol Field { get; }

    public FieldDeclarationSyntax Declaration { get; }

    public VariableDeclaratorSyntax Declarator { get; }

    public List<FieldLockUse> Uses { get; } = new();

    /// <summary><c>Monitor.Enter(f); try { … } finally { Monitor.Exit(f); }</c> in async code: can become <c>using (await f.EnterAsync())</c>.</summary>
    public List<(ExpressionStatementSyntax Enter, TryStatementSyntax Region)> ScopeRegions { get; } = new();

    public static SemaphoreFieldPlan? TryCreate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(TW0019ThreadAffineLockHeldAtAwaitAnalyzer.FieldProperty, out var name) || name is null ||
            !diagnostic.Properties.TryGetValue(TW0019ThreadAffineLockHeldAtAwaitAnalyzer.PrimitiveProperty, out var primitive) ||
            primitive != nameof(LockPrimitive.Monitor) ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } typeSyntax ||
            model.GetDeclaredSymbol(typeSyntax, cancellationToken) is not { } type ||
            type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree != root.SyntaxTree) ||
            type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault() is not { } field ||
            field.DeclaredAccessibility != Accessibility.Private || field.IsConst || field.Type.SpecialType != SpecialType.System_Object ||
            field.DeclaringSyntaxReferences.Length != 1 ||
            field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initial } declarator ||
            declarator.Parent?.Parent is not FieldDeclarationSyntax { Declaration.Variables.Count: 1 } declaration ||
            model.GetOperation(initial, cancellationToken) is not IObjectCreationOperation { Type.SpecialType: SpecialType.System_Object })
        {
            return null;
        }

        var locks = ThreadingModel.Get(model.Compilation).Locks;
        var plan = new SemaphoreFieldPlan(field, declaration, declarator);
        var users = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var bodies = new HashSet<IOperation>();
        LockIdentity? identity = null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var id in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (id.Identifier.ValueText != name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, cancellationToken).Symbol, field))
                {
                    continue;
                }

                ExpressionSyntax receiver = id.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == id ? access : id;
                if (receiver.Parent is not ArgumentSyntax { RefKindKeyword.RawKind: 0 } argument ||
                    argument.Parent is not ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax invocation } ||
                    invocation.Parent is not ExpressionStatementSyntax statement ||
                    model.GetOperation(invocation, cancellationToken) is not IInvocationOperation call ||
                    !locks.TryGetAction(call, out var action) || action.Primitive != LockPrimitive.Monitor ||
                    action.Kind is not (LockActionKind.Acquire or LockActionKind.Release))
                {
                    return null;
                }

                var isEnter = action.Kind == LockActionKind.Acquire;
                var inAsync = IsInAsyncCode(statement, out var insideLock);
                if (isEnter && inAsync && insideLock)
                {
                    return null; // an await cannot go inside a lock statement (CS1996)
                }

                identity ??= HeldLocks.TryIdentify(action.LockObject, LockPrimitive.Monitor, out var found) ? found : null;
                plan.Uses.Add(new FieldLockUse(statement, receiver, isEnter, inAsync));
                users.Add(MemberOf(model.GetEnclosingSymbol(statement.SpanStart, cancellationToken)));
                bodies.Add(BodyOf(call));
            }
        }

        if (identity is not { } lockIdentity || !plan.Uses.Any(u => u.IsEnter) ||
            IsReentered(type, model, users, bodies, lockIdentity, locks, cancellationToken))
        {
            return null;
        }

        var extensions = model.Compilation.GetTypeByMetadataName("ThreadWise.SemaphoreSlimExtensions");
        if (extensions is not null && !extensions.GetMembers("EnterAsync").IsEmpty)
        {
            plan.FindScopeRegions();
        }

        return plan;
    }

    private void FindScopeRegions()
    {
        foreach (var use in Uses)
        {
            if (!use.IsEnter || !use.InAsyncCode || use.Statement.Parent is not BlockSyntax block ||
                StatementEditing.HasComments(use.Statement) && use.Statement.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia)))
            {
                continue;
            }

            var index = block.Statements.IndexOf(use.Statement);
            if (index + 1 < block.Statements.Count &&
                block.Statements[index + 1] is TryStatementSyntax { Catches.Count: 0, Finally.Block.Statements.Count: 1 } region &&
                region.Finally.Block.Statements[0] is ExpressionStatementSyntax exit &&
                Uses.Any(u => !u.IsEnter && u.Statement == exit) &&
                !region.Finally.DescendantTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)))
            {
                ScopeRegions.Add((use.Statement, region));
            }
        }
    }

    /// <summary>True when the lock may be taken again while held: a nested Enter, or a call to a method of the type that (transitively) uses it.</summary>
    private static bool IsReentered(INamedTypeSymbol type, SemanticModel model, HashSet<ISymbol> users, HashSet<IOperation> bodies,
        LockIdentity identity, LockApi locks, CancellationToken cancellationToken)
    {
        var reaching = MembersReaching(type, model, users, cancellationToken);
        var reentered = false;
        foreach (var body in bodies)
        {
            var walked = HeldLocks.Walk(body, locks, HeldLockState.Empty, (operation, state) =>
            {
                if (reentered || !state.May.Contains(identity))
                {
                    return;
                }

                var target = operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod,
                    IPropertyReferenceOperation property => (ISymbol)property.Property,
                    _ => null,
                };
                reentered = target is not null &&
                            (reaching.Contains(MemberOf(target.OriginalDefinition)) ||
                             (operation is IInvocationOperation call && locks.TryGetAction(call, out var action) && action.IsAcquire &&
                              LockIdentity.TryCreate(action, out var taken) && taken.Equals(identity)));
            }, cancellationToken);
            if (!walked || reentered)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The members of the type that use the field or call (transitively, within the type) one that does.</summary>
    private static HashSet<ISymbol> MembersReaching(INamedTypeSymbol type, SemanticModel model, HashSet<ISymbol> users, CancellationToken cancellationToken)
    {
        var callers = new Dictionary<ISymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
            {
                if (node is not (InvocationExpressionSyntax or IdentifierNameSyntax) ||
                    model.GetSymbolInfo(node, cancellationToken).Symbol is not { } symbol ||
                    symbol is not (IMethodSymbol or IPropertySymbol) ||
                    !SymbolEqualityComparer.Default.Equals(MemberOf(symbol).ContainingType, type))
                {
                    continue;
                }

                var callee = MemberOf(symbol.OriginalDefinition);
                if (!callers.TryGetValue(callee, out var set))
                {
                    callers[callee] = set = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                }

                set.Add(MemberOf(model.GetEnclosingSymbol(node.SpanStart, cancellationToken)));
            }
        }

        var result = new HashSet<ISymbol>(users, SymbolEqualityComparer.Default);
        var work = new Stack<ISymbol>(users);
        while (work.Count > 0)
        {
            if (callers.TryGetValue(work.Pop(), out var set))
            {
                foreach (var caller in set)
                {
                    if (result.Add(caller))
                    {
                        work.Push(caller);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The member a lambda or local function belongs to (a property for its accessors).</summary>
    private static ISymbol MemberOf(ISymbol? symbol)
    {
        while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } && symbol.ContainingSymbol is { } outer)
        {
            symbol = outer;
        }

        if (symbol is IMethodSymbol { AssociatedSymbol: IPropertySymbol property })
        {
            return property;
        }

        return symbol!;
    }

    private static IOperation BodyOf(IOperation operation)
    {
        while (operation.Parent is { } parent && parent is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
        {
            operation = parent;
        }

        return operation;
    }

    private static bool IsInAsyncCode(SyntaxNode node, out bool insideLock)
    {
        insideLock = false;
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case LockStatementSyntax:
                    insideLock = true;
                    break;
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.RawKind != 0;
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case BaseMethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
