using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ThreadWise.Analyzers.Flow;

/// <summary>Whether a local object stays with the code that created it.</summary>
internal static class LocalUse
{
    /// <summary>
    /// True when every value of <paramref name="local"/> is an object this method creates, and every use of it is a
    /// member access in the method's own code (not in a lambda or local function declared outside the local's scope,
    /// not an argument, not stored, returned or copied): only the thread running the method can touch the object.
    /// </summary>
    public static bool StaysOnThisThread(ILocalSymbol local, IOperation anyOperationInTheMethod)
    {
        var root = OperationTree.Root(anyOperationInTheMethod);
        var declaration = local.DeclaringSyntaxReferences.Length == 1 ? local.DeclaringSyntaxReferences[0] : null;
        if (declaration is null)
        {
            return false;
        }

        foreach (var operation in root.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.GetVariableInitializer() is { } initializer && !IsCreation(initializer.Value))
                    {
                        return false;
                    }

                    break;
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    if (CapturedAcross(reference, declaration) || !StaysHere(reference))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static bool StaysHere(ILocalReferenceOperation reference)
    {
        var (child, user) = OperationTree.User(reference);
        return user switch
        {
            IInvocationOperation invocation when invocation.Instance == child => true,
            IInvocationOperation { TargetMethod: { IsExtensionMethod: true, Locations: var locations } } when locations.Length > 0 && locations[0].IsInMetadata => true,
            IArgumentOperation { Parent: IInvocationOperation { TargetMethod: { IsExtensionMethod: true } method } } => method.Locations.Length > 0 && method.Locations[0].IsInMetadata,
            IPropertyReferenceOperation property => property.Instance == child,
            IFieldReferenceOperation field => field.Instance == child,
            IEventReferenceOperation e => e.Instance == child,
            ISimpleAssignmentOperation assignment when assignment.Target == child => IsCreation(assignment.Value),
            IForEachLoopOperation loop => loop.Collection == child,
            _ => false,
        };
    }

    private static bool IsCreation(IOperation value)
    {
        while (value is IConversionOperation { IsImplicit: true } conversion)
        {
            value = conversion.Operand;
        }

        return value is IObjectCreationOperation or IArrayCreationOperation;
    }

    /// <summary>Used in a lambda or local function that the local's declaration is not inside of.</summary>
    private static bool CapturedAcross(IOperation reference, SyntaxReference declaration)
    {
        for (var current = reference.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation &&
                (current.Syntax.SyntaxTree != declaration.SyntaxTree || !current.Syntax.Span.Contains(declaration.Span)))
            {
                return true;
            }
        }

        return false;
    }
}
