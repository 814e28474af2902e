using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Calls after which a path does not go on: a method marked <c>[DoesNotReturn]</c> (<c>ThrowHelper.ThrowTimeout()</c>,
/// <c>Environment.FailFast</c>), or a method of this compilation whose body only throws (<c>=&gt; throw …;</c>, or a
/// block that ends with <c>throw</c> and has no <c>return</c>). The control-flow graph does not know either.
/// </summary>
internal sealed class NeverReturningCalls
{
    private readonly INamedTypeSymbol? _doesNotReturn;

    public NeverReturningCalls(Compilation compilation) =>
        _doesNotReturn = WellKnownTypes.Get(compilation, "System.Diagnostics.CodeAnalysis.DoesNotReturnAttribute");

    public bool NeverReturns(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass.Is(_doesNotReturn))
            {
                return true;
            }
        }

        if (!method.ReturnsVoid || method.IsAbstract || method.IsVirtual || method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
        var (body, expression) = syntax switch
        {
            MethodDeclarationSyntax m => (m.Body, m.ExpressionBody?.Expression),
            LocalFunctionStatementSyntax f => (f.Body, f.ExpressionBody?.Expression),
            _ => (null, null),
        };
        if (expression is not null)
        {
            return expression.IsKind(SyntaxKind.ThrowExpression);
        }

        if (body is null || body.Statements.Count == 0 || body.Statements[body.Statements.Count - 1] is not ThrowStatementSyntax)
        {
            return false;
        }

        foreach (var node in body.DescendantNodes(n => n is not (LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is ReturnStatementSyntax)
            {
                return false;
            }
        }

        return true;
    }
}
