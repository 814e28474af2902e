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

                var state = new TW0014.TW0014InstanceLocks(type, threadStatic);
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

    internal static void Report(System.Action<Diagnostic> report, ILockOperation lockOperation, string kind, bool isStatic, string reason)
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

    internal static bool InsideStaticLock(ILockOperation lockOperation)
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

    internal static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}
