using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0014: a <c>lock</c> that never makes anybody wait: a fresh object (<c>lock (new object())</c>), a local created in
/// the same call and used for nothing but this method's <c>lock</c> statements, or a <c>readonly</c> instance lock field
/// the type creates itself whose body writes a static field of the type (two instances, two locks, one field).
/// The first two are decided on the method's operation tree; the third per type (symbol start/end: how the lock field
/// is created, whether the type is a singleton) — all live.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0014LockExcludesNobodyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: <c>Fresh</c>, <c>Local</c> or <c>InstanceForStatic</c>.</summary>
    public const string KindProperty = "Kind";

    /// <summary>Diagnostic property: <c>true</c> when the replacement lock field should be static.</summary>
    public const string StaticProperty = "Static";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.LockExcludesNobody,
        title: "Lock that excludes nobody",
        messageFormat: "The lock on '{0}' excludes nobody: {1}",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "A lock protects data only when every thread that touches the data locks the same object. A lock on a " +
                     "new object, on a local that no other thread can see, or on an instance field around a static field " +
                     "(two instances, two locks) never makes anybody wait: the updates race as if there were no lock. " +
                     "Lock on a static readonly object for static state and on an instance readonly object for instance state.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static compilationStart =>
        {
            var threadStatic = WellKnownTypes.Get(compilationStart.Compilation, "System.ThreadStaticAttribute");

            // A fresh object or an unshared local: the method alone tells (top-level statements included).
            compilationStart.RegisterOperationAction(AnalyzeMethodLocalLock, OperationKind.Lock);

            // An instance lock around static state: the type tells how the lock field is created and whether it is a singleton.
            compilationStart.RegisterSymbolStartAction(start =>
            {
                var type = (INamedTypeSymbol)start.Symbol;
                if (type.TypeKind != TypeKind.Class || !HasInstanceLockAndStaticState(type))
                {
                    return;
                }

                var state = new TypeState(type, threadStatic);
                start.RegisterOperationAction(c => state.RecordLock((ILockOperation)c.Operation), OperationKind.Lock);
                start.RegisterOperationAction(c => state.RecordFieldInitializer((IFieldInitializerOperation)c.Operation), OperationKind.FieldInitializer);
                start.RegisterOperationBlockStartAction(block =>
                {
                    // A readonly field is assigned only in constructors and init accessors.
                    if (block.OwningSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } or IMethodSymbol { IsInitOnly: true })
                    {
                        block.RegisterOperationAction(c => state.RecordAssignment((ISimpleAssignmentOperation)c.Operation), OperationKind.SimpleAssignment);
                    }
                });
                start.RegisterSymbolEndAction(state.ReportInstanceLocksOnStaticState);
            }, SymbolKind.NamedType);
        });
    }

    /// <summary>Cheap pre-check per type: a readonly instance field of a reference type and a mutable static field.</summary>
    private static bool HasInstanceLockAndStaticState(INamedTypeSymbol type)
    {
        bool instanceLock = false, staticState = false;
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { IsImplicitlyDeclared: false } field)
            {
                instanceLock |= !field.IsStatic && field.IsReadOnly && field.Type.IsReferenceType;
                staticState |= field.IsStatic && !field.IsConst;
            }
        }

        return instanceLock && staticState;
    }

    private static void AnalyzeMethodLocalLock(OperationAnalysisContext context)
    {
        var lockOperation = (ILockOperation)context.Operation;
        switch (Unwrap(lockOperation.LockedValue))
        {
            case IObjectCreationOperation:
                Report(context.ReportDiagnostic, lockOperation, "Fresh", !UsesInstance(lockOperation.Body),
                    "every execution locks a new object, so no two threads ever wait for each other");
                return;
            case ILocalReferenceOperation local when IsUnsharedLocal(lockOperation, local.Local):
                Report(context.ReportDiagnostic, lockOperation, "Local", !UsesInstance(lockOperation.Body),
                    $"'{local.Local.Name}' is created in this call and shared with nothing, so each call (each thread) locks its own object");
                return;
        }
    }

    private static bool UsesInstance(IOperation body)
    {
        foreach (var operation in Flow.ControlFlowGraphs.SelfAndDescendantsInOrder(body))
        {
            if (operation is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            {
                return true;
            }
        }

        return false;
    }

    private static void Report(System.Action<Diagnostic> report, ILockOperation lockOperation, string kind, bool isStatic, string reason)
    {
        var expression = lockOperation.LockedValue.Syntax;
        report(Diagnostic.Create(
            Rule,
            expression.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind).Add(StaticProperty, isStatic ? "true" : "false"),
            CodeText.Shorten(expression.ToString()),
            reason));
    }

    /// <summary>
    /// True when <paramref name="local"/> is declared in the body that holds the lock, initialized with a new object,
    /// and every use of it in the whole method is the lock expression of a <c>lock</c> statement of that same body
    /// (no lambda or local function sees it, nothing else receives it, nothing reassigns it).
    /// </summary>
    private static bool IsUnsharedLocal(ILockOperation lockOperation, ILocalSymbol local)
    {
        var owner = FunctionOwner(lockOperation);
        IVariableDeclaratorOperation? declarator = null;
        foreach (var operation in owner.DescendantsAndSelf())
        {
            if (operation is IVariableDeclaratorOperation candidate && SymbolEqualityComparer.Default.Equals(candidate.Symbol, local))
            {
                declarator = candidate;
                break;
            }
        }

        if (declarator is null || FunctionOwner(declarator) != owner || Unwrap(declarator.GetVariableInitializer()?.Value) is not IObjectCreationOperation)
        {
            return false;
        }

        foreach (var operation in Flow.OperationTree.Root(lockOperation).DescendantsAndSelf())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            var (child, user) = Flow.OperationTree.User(reference);
            if (user is not ILockOperation { } usingLock || usingLock.LockedValue != child || FunctionOwner(usingLock) != owner)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The lambda, local function or method body <paramref name="operation"/> runs in.</summary>
    private static IOperation FunctionOwner(IOperation operation)
    {
        var current = operation;
        while (current.Parent is { } parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return parent;
            }

            current = parent;
        }

        return current;
    }

    private static bool InsideStaticLock(ILockOperation lockOperation)
    {
        for (var current = lockOperation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (current is ILockOperation outer &&
                Unwrap(outer.LockedValue) is IFieldReferenceOperation { Field.IsStatic: true } or ITypeOfOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    /// <summary>What one type tells about its instance lock fields, gathered while its members are analyzed.</summary>
    private sealed class TypeState
    {
        private readonly ConcurrentDictionary<IFieldSymbol, bool> _createdHere = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IFieldSymbol, bool> _assignedOtherwise = new(SymbolEqualityComparer.Default);

        private readonly INamedTypeSymbol? _threadStatic;

        public TypeState(INamedTypeSymbol type, INamedTypeSymbol? threadStatic)
        {
            Type = type;
            _threadStatic = threadStatic;
        }

        public INamedTypeSymbol Type { get; }

        public ConcurrentBag<(ILockOperation Lock, IFieldSymbol LockField, IFieldSymbol StaticField)> Candidates { get; } = new();

        /// <summary>A lock on a readonly instance field of this type whose body writes a static field of it.</summary>
        public void RecordLock(ILockOperation lockOperation)
        {
            if (Unwrap(lockOperation.LockedValue) is IFieldReferenceOperation
                {
                    Field: { IsStatic: false, IsReadOnly: true } field,
                    Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance },
                } &&
                SymbolEqualityComparer.Default.Equals(field.ContainingType, Type) &&
                StaticWrite(lockOperation.Body) is { } written && !InsideStaticLock(lockOperation))
            {
                Candidates.Add((lockOperation, field, written));
            }
        }

        public void RecordFieldInitializer(IFieldInitializerOperation initializer)
        {
            var created = Unwrap(initializer.Value) is IObjectCreationOperation;
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
                Record(field, Unwrap(assignment.Value) is IObjectCreationOperation);
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

                Report(context.ReportDiagnostic, lockOperation, "InstanceForStatic", isStatic: true,
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
}
