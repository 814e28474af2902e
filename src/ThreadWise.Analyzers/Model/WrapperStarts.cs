using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Methods of a wrapper type that start a thread (or cold task) held in a field of the instance every time they run:
/// <c>public void Start() =&gt; _thread.Start();</c> with <c>_thread</c> created once, in the constructor (dotnet/core#1695).
/// Calling one twice on one instance starts the same thread twice. Read from the method's syntax with the field
/// resolved by symbol (no semantic model of another file is created), so only plain bodies qualify: no condition,
/// loop, other call, <c>throw</c>, <c>return</c> or handler, nothing that reassigns the field; non-virtual only.
/// Cached per method symbol.
/// </summary>
internal sealed class WrapperStarts
{
    private readonly ThreadingModel _model;
    private readonly ConcurrentDictionary<IMethodSymbol, IFieldSymbol?> _started = new(SymbolEqualityComparer.Default);

    public WrapperStarts(ThreadingModel model) => _model = model;

    /// <summary>The field whose thread or task <paramref name="method"/> starts on every call, or null.</summary>
    public IFieldSymbol? StartedField(IMethodSymbol method)
    {
        if (method.IsStatic || method.MethodKind != MethodKind.Ordinary || !method.ReturnsVoid || method.IsAbstract ||
            method.IsVirtual || (method.IsOverride && !method.ContainingType.IsSealed) ||
            method.ContainingType is not { TypeKind: TypeKind.Class } || method.DeclaringSyntaxReferences.Length != 1 ||
            method.IsGenericMethod)
        {
            return null;
        }

        method = method.OriginalDefinition;
        return _started.TryGetValue(method, out var cached) ? cached : _started.GetOrAdd(method, Analyze(method));
    }

    private IFieldSymbol? Analyze(IMethodSymbol method)
    {
        if (method.DeclaringSyntaxReferences[0].GetSyntax() is not MethodDeclarationSyntax declaration)
        {
            return null;
        }

        SyntaxNode? body = (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody?.Expression;
        if (body is null)
        {
            return null;
        }

        IFieldSymbol? started = null;
        foreach (var node in body.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case IfStatementSyntax or SwitchStatementSyntax or SwitchExpressionSyntax or ConditionalExpressionSyntax or
                    ConditionalAccessExpressionSyntax or ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or
                    DoStatementSyntax or TryStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax or ReturnStatementSyntax or
                    GotoStatementSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or AwaitExpressionSyntax or
                    IsPatternExpressionSyntax or VariableDeclaratorSyntax or SingleVariableDesignationSyntax:
                    // A local could shadow the field's name; keep to bodies without any.
                    return null;
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression) ||
                                                        binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression):
                    return null;
                case InvocationExpressionSyntax invocation:
                    if (started is not null || invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start" } access ||
                        FieldNamed(access.Expression, method.ContainingType) is not { } field)
                    {
                        // Any other call may guard the start (a "started" check that throws) or replace the thread.
                        return null;
                    }

                    started = field;
                    break;
                case AssignmentExpressionSyntax assignment when FieldNamed(assignment.Left, method.ContainingType) is not null:
                    return null;
                case PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax when node.ChildNodes() is var operands &&
                    System.Linq.Enumerable.Any(operands, o => FieldNamed(o, method.ContainingType) is not null):
                    return null;
            }
        }

        return started;
    }

    private static bool IsParameterName(IdentifierNameSyntax identifier, INamedTypeSymbol type)
    {
        foreach (var ancestor in identifier.Ancestors())
        {
            if (ancestor is MethodDeclarationSyntax method)
            {
                foreach (var parameter in method.ParameterList.Parameters)
                {
                    if (parameter.Identifier.ValueText == identifier.Identifier.ValueText)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        return false;
    }

    /// <summary>An instance field of <paramref name="type"/> holding a thread or task, named as <c>_t</c> or <c>this._t</c>.</summary>
    private IFieldSymbol? FieldNamed(SyntaxNode expression, INamedTypeSymbol type)
    {
        var name = expression switch
        {
            IdentifierNameSyntax identifier when !IsParameterName(identifier, type) => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member } => member.Identifier.ValueText,
            _ => null,
        };
        if (name is null)
        {
            return null;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is IFieldSymbol { IsStatic: false } field &&
                (_model.Threads.IsThread(field.Type) || (_model.Tasks.IsTask(field.Type) && !field.Type.IsValueType)))
            {
                return field;
            }
        }

        return null;
    }
}
