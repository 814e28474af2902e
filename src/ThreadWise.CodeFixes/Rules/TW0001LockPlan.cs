using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>Where the <c>lock</c> goes around a TW0001 read-modify-write.</summary>
internal enum TW0001LockUnitKind
{
    /// <summary>An expression statement in a statement list (block, switch section, top level): consecutive ones share one lock.</summary>
    ListedStatement,

    /// <summary>An expression statement that is the body of an <c>if</c>, a loop, <c>using</c>…: it becomes the lock statement.</summary>
    EmbeddedStatement,

    /// <summary>The expression body of a member or local function: it becomes a block body.</summary>
    Arrow,

    /// <summary>The expression body of a lambda: it becomes a block body.</summary>
    Lambda,
}

/// <summary>
/// Wraps the statement (or the expression body) holding a TW0001 update in <c>lock (o) { … }</c>. The update must be
/// the whole statement or the whole body (bar parentheses and <c>checked(…)</c>), so nothing else runs under the lock.
/// A body whose value is read becomes <c>{ lock (o) { return …; } }</c>.
/// </summary>
internal sealed class TW0001LockPlan
{
    private TW0001LockPlan(SyntaxNode unit, TW0001LockUnitKind kind, bool returnsValue, TypeDeclarationSyntax? type, bool isStatic)
    {
        Unit = unit;
        Kind = kind;
        ReturnsValue = returnsValue;
        Type = type;
        IsStatic = isStatic;
    }

    /// <summary>The statement (its top-level wrapper at the top level), the arrow clause's owner, or the lambda.</summary>
    public SyntaxNode Unit { get; }

    public TW0001LockUnitKind Kind { get; }

    /// <summary>True when an expression body's value is read: the block returns it.</summary>
    public bool ReturnsValue { get; }

    /// <summary>The class that gets the lock field; null in top-level statements (the lock is a local there).</summary>
    public TypeDeclarationSyntax? Type { get; }

    public bool IsStatic { get; }

    public static TW0001LockPlan? TryCreate(SemanticModel model, ExpressionSyntax site, CancellationToken cancellationToken)
    {
        var type = site.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (type is null)
        {
            return TopLevel(model, site, cancellationToken);
        }

        if (type is not (ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)SyntaxKind.StructKeyword }))
        {
            return null;
        }

        if (FindUnit(model, site, cancellationToken) is not var (unit, kind, returnsValue))
        {
            return null;
        }

        var operation = model.GetOperation(site, cancellationToken);
        var target = operation switch
        {
            IIncrementOrDecrementOperation i => i.Target,
            IAssignmentOperation a => a.Target,
            _ => null,
        };
        var member = model.GetEnclosingSymbol(site.SpanStart, cancellationToken);
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            member = member.ContainingSymbol;
        }

        if (target is null || member is null || member.ContainingType is null)
        {
            return null;
        }

        var rootSymbol = RootSymbol(target);
        var isStatic = member.IsStatic || member.ContainingType.IsStatic ||
                       rootSymbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true };
        return new TW0001LockPlan(unit, kind, returnsValue, type, isStatic);
    }

    /// <summary>
    /// A whole statement to wrap (TW0016: the <c>if</c> of a check-then-act), locking for <paramref name="storage"/>:
    /// the same lock object, placement and staticness rules as an update, so the two rules' fixes agree.
    /// </summary>
    public static TW0001LockPlan? ForStatement(SemanticModel model, StatementSyntax statement, ISymbol? storage, CancellationToken cancellationToken)
    {
        (SyntaxNode Unit, TW0001LockUnitKind Kind)? unit = statement.Parent switch
        {
            BlockSyntax or SwitchSectionSyntax => (statement, TW0001LockUnitKind.ListedStatement),
            GlobalStatementSyntax global => (global, TW0001LockUnitKind.ListedStatement),
            IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or
                CommonForEachStatementSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax => (statement, TW0001LockUnitKind.EmbeddedStatement),
            _ => null,
        };
        if (unit is not var (node, kind))
        {
            return null;
        }

        var type = statement.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (type is null)
        {
            return statement.FirstAncestorOrSelf<GlobalStatementSyntax>() is not null && !statement.Ancestors().Any(a =>
                       a is LocalFunctionStatementSyntax || (a is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword)))
                ? new TW0001LockPlan(node, kind, returnsValue: false, type: null, isStatic: false)
                : null;
        }

        if (type is not (ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)SyntaxKind.StructKeyword }))
        {
            return null;
        }

        var member = model.GetEnclosingSymbol(statement.SpanStart, cancellationToken);
        while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
        {
            member = member.ContainingSymbol;
        }

        if (member?.ContainingType is null)
        {
            return null;
        }

        var isStatic = member.IsStatic || member.ContainingType.IsStatic || storage is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true };
        return new TW0001LockPlan(node, kind, returnsValue: false, type, isStatic);
    }

    /// <summary>
    /// In top-level statements the lock is a local declared before the first statement that updates: offered only
    /// where the update runs in a top-level statement or a lambda in one (a local function may be called before the
    /// declaration, and a static lambda cannot capture it).
    /// </summary>
    private static TW0001LockPlan? TopLevel(SemanticModel model, ExpressionSyntax site, CancellationToken cancellationToken)
    {
        if (site.FirstAncestorOrSelf<GlobalStatementSyntax>() is null)
        {
            return null;
        }

        foreach (var ancestor in site.Ancestors())
        {
            if (ancestor is LocalFunctionStatementSyntax ||
                (ancestor is AnonymousFunctionExpressionSyntax lambda && lambda.Modifiers.Any(SyntaxKind.StaticKeyword)))
            {
                return null;
            }
        }

        return FindUnit(model, site, cancellationToken) is var (unit, kind, returnsValue)
            ? new TW0001LockPlan(unit, kind, returnsValue, type: null, isStatic: false)
            : null;
    }

    private static (SyntaxNode Unit, TW0001LockUnitKind Kind, bool ReturnsValue)? FindUnit(SemanticModel model, ExpressionSyntax site, CancellationToken cancellationToken)
    {
        var outer = TW0001ValueContext.Outermost(site);
        switch (outer.Parent)
        {
            case ExpressionStatementSyntax statement when statement.Parent is BlockSyntax or SwitchSectionSyntax:
                return (statement, TW0001LockUnitKind.ListedStatement, false);
            case ExpressionStatementSyntax { Parent: GlobalStatementSyntax global }:
                return (global, TW0001LockUnitKind.ListedStatement, false);
            case ExpressionStatementSyntax statement when statement.Parent is IfStatementSyntax or ElseClauseSyntax or WhileStatementSyntax or
                DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax or UsingStatementSyntax or LockStatementSyntax or
                FixedStatementSyntax or LabeledStatementSyntax:
                return statement.Parent is LabeledStatementSyntax ? null : (statement, TW0001LockUnitKind.EmbeddedStatement, false);
            case ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax or
                ConstructorDeclarationSyntax or OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax } arrow:
                return (arrow.Parent!, TW0001LockUnitKind.Arrow, !TW0001ValueContext.DiscardsValue(model, arrow.Parent, cancellationToken));
            case AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody == outer &&
                                                               model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol:
                return (lambda, TW0001LockUnitKind.Lambda, !TW0001ValueContext.DiscardsValue(model, lambda, cancellationToken));
            default:
                return null;
        }
    }

    private static ISymbol? RootSymbol(IOperation target)
    {
        var current = target;
        while (true)
        {
            switch (current)
            {
                case IArrayElementReferenceOperation element:
                    current = element.ArrayReference;
                    break;
                case IMemberReferenceOperation { Instance: { } instance } and not { Instance: IInstanceReferenceOperation }:
                    current = instance;
                    break;
                case IMemberReferenceOperation member:
                    return member.Member;
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    break;
                default:
                    return null;
            }
        }
    }
}
