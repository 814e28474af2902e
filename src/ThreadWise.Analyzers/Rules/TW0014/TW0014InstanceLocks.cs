using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules.TW0014;

/// <summary>
/// TW0014, per type: what one class tells about its instance lock fields, gathered while its members are analyzed
/// (locks on a readonly instance field whose body updates a static field; how each field is created: by a field
/// initializer or a constructor/init assignment of a new object, or from elsewhere), reported at the type's end unless
/// the type is a singleton.
/// </summary>
internal sealed class TW0014InstanceLocks
{
    private readonly ConcurrentDictionary<IFieldSymbol, bool> _createdHere = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IFieldSymbol, bool> _assignedOtherwise = new(SymbolEqualityComparer.Default);

    private readonly INamedTypeSymbol? _threadStatic;

    public TW0014InstanceLocks(INamedTypeSymbol type, INamedTypeSymbol? threadStatic)
    {
        Type = type;
        _threadStatic = threadStatic;
    }

    public INamedTypeSymbol Type { get; }

    public ConcurrentBag<(ILockOperation Lock, IFieldSymbol LockField, IFieldSymbol StaticField)> Candidates { get; } = new();

    /// <summary>A lock on a readonly instance field of this type whose body writes a static field of it.</summary>
    public void RecordLock(ILockOperation lockOperation)
    {
        if (TW0014LockExcludesNobodyAnalyzer.Unwrap(lockOperation.LockedValue) is IFieldReferenceOperation
            {
                Field: { IsStatic: false, IsReadOnly: true } field,
                Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance },
            } &&
            SymbolEqualityComparer.Default.Equals(field.ContainingType, Type) &&
            StaticWrite(lockOperation.Body) is { } written && !TW0014LockExcludesNobodyAnalyzer.InsideStaticLock(lockOperation))
        {
            Candidates.Add((lockOperation, field, written));
        }
    }

    public void RecordFieldInitializer(IFieldInitializerOperation initializer)
    {
        var created = TW0014LockExcludesNobodyAnalyzer.Unwrap(initializer.Value) is IObjectCreationOperation;
        foreach (var field in initializer.InitializedFields)
        {
            Record(field, created);
        }
    }

    public void RecordAssignment(ISimpleAssignmentOperation assignment)
    {
        if (assignment.Target is IFieldReferenceOperation { Field: { IsStatic: false } field } &&
            SymbolEqualityComparer.Default.Equals(field.ContainingType, Type))
        {
            Record(field, TW0014LockExcludesNobodyAnalyzer.Unwrap(assignment.Value) is IObjectCreationOperation);
        }
    }

    public void ReportInstanceLocksOnStaticState(SymbolAnalysisContext context)
    {
        if (Candidates.IsEmpty || IsSingleton(Type))
        {
            return;
        }

        foreach (var (lockOperation, lockField, staticField) in Candidates)
        {
            if (!_createdHere.ContainsKey(lockField) || _assignedOtherwise.ContainsKey(lockField))
            {
                continue;
            }

            TW0014LockExcludesNobodyAnalyzer.Report(context.ReportDiagnostic, lockOperation, "InstanceForStatic", isStatic: true,
                $"it is an instance field, but the lock protects static field '{staticField.Name}': each instance has its own lock, " +
                $"so two instances update '{staticField.Name}' at the same time");
        }
    }

    private void Record(IFieldSymbol field, bool created)
    {
        if (created)
        {
            _createdHere[field] = true;
        }
        else
        {
            _assignedOtherwise[field] = true;
        }
    }

    /// <summary>
    /// The first static field of the type the body updates: an increment or compound assignment, a write into the
    /// object it holds (<c>s_map[k] = v</c>, <c>s_stats.Count = n</c>), or a plain assignment when the body also
    /// reads the field (<c>s_total = s_total + n</c>, <c>if (s_cache == null) s_cache = …</c>). A plain assignment
    /// of a value that does not depend on it (<c>s_last = DateTime.UtcNow</c>) is last-writer-wins with or without a
    /// shared lock. Lambdas in the body run later, elsewhere: not counted.
    /// </summary>
    private IFieldSymbol? StaticWrite(IOperation body)
    {
        List<IFieldSymbol>? plainlyAssigned = null;
        HashSet<IFieldSymbol>? read = null;
        foreach (var operation in Flow.ControlFlowGraphs.SelfAndDescendantsInOrder(body))
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Field.IsStatic: true } direct } when StaticRoot(direct) is { } field:
                    (plainlyAssigned ??= new List<IFieldSymbol>()).Add(field);
                    break;
                case IAssignmentOperation assignment when StaticRoot(assignment.Target) is { } field:
                    return field;
                case IIncrementOrDecrementOperation increment when StaticRoot(increment.Target) is { } field:
                    return field;
                case IFieldReferenceOperation { Field.IsStatic: true } reference when !IsPlainAssignmentTarget(reference):
                    (read ??= new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default)).Add(reference.Field);
                    break;
            }
        }

        if (plainlyAssigned is not null && read is not null)
        {
            foreach (var field in plainlyAssigned)
            {
                if (read.Contains(field))
                {
                    return field;
                }
            }
        }

        return null;
    }

    private static bool IsPlainAssignmentTarget(IFieldReferenceOperation reference) =>
        reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference;

    /// <summary>The static field of the type a write target lies in (<c>s_n</c>, <c>s_map[k]</c>, <c>s_stats.Count</c>).</summary>
    private IFieldSymbol? StaticRoot(IOperation? target)
    {
        while (target is not null)
        {
            switch (target)
            {
                case IFieldReferenceOperation { Field.IsStatic: true } field:
                    return SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, Type) && !field.Field.IsConst &&
                           !IsThreadStatic(field.Field)
                        ? field.Field
                        : null;
                case IFieldReferenceOperation field:
                    target = field.Instance;
                    break;
                case IPropertyReferenceOperation { Property.IsStatic: false } property:
                    target = property.Instance;
                    break;
                case IArrayElementReferenceOperation element:
                    target = element.ArrayReference;
                    break;
                case IConversionOperation conversion:
                    target = conversion.Operand;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private bool IsThreadStatic(IFieldSymbol field)
    {
        foreach (var attribute in field.GetAttributes())
        {
            if (attribute.AttributeClass.Is(_threadStatic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One instance only: a static member of the type's own type (or <c>Lazy&lt;T&gt;</c>…), or no non-private constructor.</summary>
    private static bool IsSingleton(INamedTypeSymbol type)
    {
        var allPrivate = true;
        foreach (var constructor in type.InstanceConstructors)
        {
            allPrivate &= constructor.DeclaredAccessibility == Accessibility.Private;
        }

        if (allPrivate)
        {
            return true;
        }

        foreach (var member in type.GetMembers())
        {
            var memberType = member switch
            {
                IFieldSymbol { IsStatic: true } f => f.Type,
                IPropertySymbol { IsStatic: true } p => p.Type,
                _ => null,
            };
            if (memberType is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(memberType.OriginalDefinition, type.OriginalDefinition))
            {
                return true;
            }

            if (memberType is INamedTypeSymbol { IsGenericType: true } generic)
            {
                foreach (var argument in generic.TypeArguments)
                {
                    if (SymbolEqualityComparer.Default.Equals(argument.OriginalDefinition, type.OriginalDefinition))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
