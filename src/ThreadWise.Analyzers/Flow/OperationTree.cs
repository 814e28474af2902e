using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Flow;

/// <summary>Small navigation helpers on the operation tree (not the control-flow graph).</summary>
internal static class OperationTree
{
    /// <summary>The operation that uses <paramref name="operation"/>, past parentheses and conversions, with the child it uses.</summary>
    public static (IOperation Child, IOperation? User) User(IOperation operation)
    {
        var child = operation;
        var user = operation.Parent;
        while (user is IConversionOperation or IParenthesizedOperation)
        {
            child = user;
            user = user.Parent;
        }

        return (child, user);
    }

    /// <summary>The top of the tree <paramref name="operation"/> belongs to (the method body, or the initializer).</summary>
    public static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary><paramref name="operation"/> without the implicit conversions around it.</summary>
    public static IOperation WithoutImplicitConversions(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>The method or lambda a delegate argument stands for: conversions, parentheses and delegate creations looked through.</summary>
    public static IOperation DelegateTarget(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IDelegateCreationOperation creation:
                    operation = creation.Target;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }
}
