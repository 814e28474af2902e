using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0016's second fix: <c>if (_balance &gt;= amount) _balance -= amount;</c> becomes
/// <c>Atomic.TryUpdate(ref _balance, balance =&gt; balance &gt;= amount ? balance - amount : null);</c> (the runtime
/// library's compare-exchange loop). Only where that is the same code run atomically: the storage is one non-volatile
/// <c>int</c>/<c>long</c> field of a class, the branch starts with the one write (<c>=</c>, <c>+=</c>, <c>-=</c>,
/// <c>*=</c>…, <c>++</c>, <c>--</c>), and the condition and the new value read only that field, locals, parameters and
/// constants (no calls: the function may run several times). An <c>else</c> stays as <c>if (!Atomic.TryUpdate(…))</c>,
/// the rest of the branch as <c>if (Atomic.TryUpdate(…)) { … }</c>.
/// </summary>
internal sealed class TW0016AtomicPlan
{
    private TW0016AtomicPlan(StatementSyntax replacement, bool needsUsing)
    {
        Replacement = replacement;
        NeedsUsing = needsUsing;
    }

    public StatementSyntax Replacement { get; }

    /// <summary>The file needs <c>using ThreadWise;</c>.</summary>
    public bool NeedsUsing { get; }

    public static TW0016AtomicPlan? TryCreate(SemanticModel model, IfStatementSyntax statement, CancellationToken cancellationToken)
    {
        var body = statement.Statement is BlockSyntax block ? block.Statements.ToList() : new List<StatementSyntax> { statement.Statement };
        if (body.Count == 0 || body[0] is not ExpressionStatementSyntax { Expression: var write } first ||
            StatementHasComments(first) || statement.Else?.Statement is IfStatementSyntax ||
            model.GetOperation(write, cancellationToken) is not { } operation ||
            Target(operation) is not IFieldReferenceOperation { Field: var field } target ||
            field.IsReadOnly || field.IsVolatile || field.IsConst || field.ContainingType.TypeKind != TypeKind.Class ||
            field.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64) ||
            !(target.Instance is null or IInstanceReferenceOperation) ||
            !HasTryUpdate(model.Compilation, field.Type, out var atomic) ||
            model.GetOperation(statement.Condition, cancellationToken) is not { } condition ||
            !IsPure(condition, field) || !ReadsField(condition, field))
        {
            return null;
        }

        var name = ParameterName(model, statement, field);
        if (NewValue(operation, field, name) is not { } value)
        {
            return null;
        }

        var check = Substitute(model, statement.Condition, field, name, cancellationToken);
        var atomicName = AtomicName(model, statement, atomic, out var needsUsing);
        var call = ParseExpression($"{atomicName}.TryUpdate(ref {target.Syntax.WithoutTrivia()}, {name} => {check} ? {value} : null)");

        StatementSyntax replacement;
        if (body.Count == 1 && statement.Else is null)
        {
            replacement = ExpressionStatement(call).WithTriviaFrom(statement);
        }
        else if (body.Count == 1)
        {
            replacement = statement.WithCondition(PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, call))
                .WithCloseParenToken(statement.CloseParenToken.WithTrailingTrivia(statement.Else!.ElseKeyword.TrailingTrivia))
                .WithStatement(statement.Else.Statement)
                .WithElse(null);
        }
        else
        {
            var rest = (BlockSyntax)statement.Statement;
            replacement = statement.WithCondition(call).WithStatement(rest.WithStatements(rest.Statements.RemoveAt(0)));
        }

        return new TW0016AtomicPlan(replacement, needsUsing);
    }

    private static IOperation? Target(IOperation write) => write switch
    {
        IIncrementOrDecrementOperation i => i.Target,
        ICompoundAssignmentOperation c => c.Target,
        ISimpleAssignmentOperation a => a.Target,
        _ => null,
    };

    private static bool StatementHasComments(SyntaxNode node) =>
        node.GetLeadingTrivia().Concat(node.GetTrailingTrivia()).Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia));

    private static bool HasTryUpdate(Compilation compilation, ITypeSymbol type, out INamedTypeSymbol atomic)
    {
        atomic = compilation.GetTypeByMetadataName("ThreadWise.Atomic")!;
        return atomic is not null && atomic.GetMembers("TryUpdate").OfType<IMethodSymbol>().Any(m =>
            m.DeclaredAccessibility == Accessibility.Public && m.Parameters.Length == 2 && m.Parameters[0].RefKind == RefKind.Ref &&
            SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type));
    }

    /// <summary>The new value as text, written over the lambda parameter; null when the write's value is not pure or changes type.</summary>
    private static string? NewValue(IOperation write, IFieldSymbol field, string name)
    {
        switch (write)
        {
            case IIncrementOrDecrementOperation increment when increment.OperatorMethod is null:
                return $"{name} {(increment.Kind == OperationKind.Increment ? "+" : "-")} 1";
            case ICompoundAssignmentOperation compound when compound.OperatorMethod is null && !compound.IsChecked &&
                                                           Operator(compound.OperatorKind) is { } op && IsPure(compound.Value, field) &&
                                                           FitsWithout(compound.Value, field.Type):
                return $"{name} {op} {Parenthesize(compound.Value.Syntax)}";
            case ISimpleAssignmentOperation assignment when IsPure(assignment.Value, field) && FitsWithout(assignment.Value, field.Type):
                return Replace(assignment.Value.Syntax, field, name, assignment.SemanticModel!);
            default:
                return null;
        }
    }

    /// <summary>The value has the field's type, or a narrower integral type (<c>b - n</c> stays an <c>int</c>/<c>long</c>).</summary>
    private static bool FitsWithout(IOperation value, ITypeSymbol fieldType)
    {
        while (value is IConversionOperation { IsImplicit: true, OperatorMethod: null } conversion)
        {
            value = conversion.Operand;
        }

        var allowed = fieldType.SpecialType == SpecialType.System_Int64
            ? new[] { SpecialType.System_Int64, SpecialType.System_UInt32, SpecialType.System_Int32, SpecialType.System_Int16, SpecialType.System_UInt16, SpecialType.System_SByte, SpecialType.System_Byte, SpecialType.System_Char }
            : new[] { SpecialType.System_Int32, SpecialType.System_Int16, SpecialType.System_UInt16, SpecialType.System_SByte, SpecialType.System_Byte, SpecialType.System_Char };
        return value.Type is { } type && allowed.Contains(type.SpecialType);
    }

    private static string? Operator(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => "+",
        BinaryOperatorKind.Subtract => "-",
        BinaryOperatorKind.Multiply => "*",
        BinaryOperatorKind.Divide => "/",
        BinaryOperatorKind.Remainder => "%",
        BinaryOperatorKind.And => "&",
        BinaryOperatorKind.Or => "|",
        BinaryOperatorKind.ExclusiveOr => "^",
        _ => null,
    };

    private static string Parenthesize(SyntaxNode value) =>
        value is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax ? value.WithoutTrivia().ToString() : $"({value.WithoutTrivia()})";

    /// <summary>Reads only the field (on <c>this</c>), constants, and non-ref locals and parameters the lambda can capture.</summary>
    private static bool IsPure(IOperation operation, IFieldSymbol field)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            var ok = node switch
            {
                _ when node.ConstantValue.HasValue => true,
                ILiteralOperation => true,
                IFieldReferenceOperation f => SymbolEqualityComparer.Default.Equals(f.Field, field) && f.Instance is null or IInstanceReferenceOperation,
                IInstanceReferenceOperation => node.Parent is IFieldReferenceOperation,
                ILocalReferenceOperation l => !l.Local.IsRef && !l.Local.Type.IsRefLikeType,
                IParameterReferenceOperation p => p.Parameter.RefKind == RefKind.None && !p.Parameter.Type.IsRefLikeType,
                IBinaryOperation b => b.OperatorMethod is null,
                IUnaryOperation u => u.OperatorMethod is null,
                IConversionOperation c => c.OperatorMethod is null,
                IParenthesizedOperation => true,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ReadsField(IOperation operation, IFieldSymbol field) =>
        operation.DescendantsAndSelf().Any(o => o is IFieldReferenceOperation f && SymbolEqualityComparer.Default.Equals(f.Field, field));

    private static string Substitute(SemanticModel model, ExpressionSyntax expression, IFieldSymbol field, string name, CancellationToken cancellationToken) =>
        Replace(expression, field, name, model);

    /// <summary>The expression's text with every read of the field (<c>_x</c>, <c>this._x</c>) replaced by <paramref name="name"/>.</summary>
    private static string Replace(SyntaxNode expression, IFieldSymbol field, string name, SemanticModel model)
    {
        var reads = expression.DescendantNodesAndSelf()
            .Where(n => n is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n).Symbol, field))
            .Select(n => n.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access && access.Name == n ? access : n)
            .ToList();
        var rewritten = expression.ReplaceNodes(reads, (original, _) => IdentifierName(name).WithTriviaFrom(original));
        return rewritten.WithoutTrivia().ToString();
    }

    /// <summary>The field's name without its prefix (<c>_balance</c> → <c>balance</c>) when free here, else <c>current</c>.</summary>
    private static string ParameterName(SemanticModel model, SyntaxNode at, IFieldSymbol field)
    {
        var trimmed = field.Name.TrimStart('_');
        if (trimmed.Length > 2 && trimmed[1] == '_' && trimmed[0] is 's' or 'm' or 't')
        {
            trimmed = trimmed.Substring(2);
        }

        var candidates = new List<string>();
        if (trimmed.Length > 0 && trimmed != field.Name && SyntaxFacts.IsValidIdentifier(trimmed) && SyntaxFacts.GetKeywordKind(trimmed) == SyntaxKind.None &&
            SyntaxFacts.GetContextualKeywordKind(trimmed) == SyntaxKind.None)
        {
            candidates.Add(trimmed);
        }

        candidates.Add("current");
        for (var i = 2; ; i++)
        {
            foreach (var candidate in candidates)
            {
                if (model.LookupSymbols(at.SpanStart, name: candidate).IsEmpty)
                {
                    return candidate;
                }
            }

            candidates = new List<string> { "current" + i };
        }
    }

    private static string AtomicName(SemanticModel model, SyntaxNode at, INamedTypeSymbol atomic, out bool needsUsing)
    {
        needsUsing = false;
        var found = model.LookupNamespacesAndTypes(at.SpanStart, name: "Atomic");
        if (found.Length == 1 && SymbolEqualityComparer.Default.Equals(found[0], atomic))
        {
            return "Atomic";
        }

        if (found.IsEmpty)
        {
            needsUsing = true;
            return "Atomic";
        }

        return "global::ThreadWise.Atomic";
    }
}
