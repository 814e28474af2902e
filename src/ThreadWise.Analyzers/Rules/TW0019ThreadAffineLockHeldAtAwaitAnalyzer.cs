using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0019: an <c>await</c> (incl. <c>await foreach</c>, <c>await using</c>) in an async method, lambda or local function
/// reached while a thread-affine lock (<c>Monitor</c>, <c>Lock</c>, <c>Mutex</c>, <c>ReaderWriterLockSlim</c>,
/// <c>SpinLock</c>) is held on every path: the continuation may resume on another thread, whose release throws, and the
/// lock is held for the whole wait. Each async body is walked on its own (<see cref="HeldLocks"/>), only when it takes
/// such a lock.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0019ThreadAffineLockHeldAtAwaitAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the lock object's path (<c>_gate</c>) when it is a field of the containing type.</summary>
    public const string FieldProperty = "Field";

    /// <summary>Diagnostic property: the <see cref="LockPrimitive"/> name.</summary>
    public const string PrimitiveProperty = "Primitive";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ThreadAffineLockHeldAtAwait,
        title: "Thread-affine lock held across an await",
        messageFormat: "'{0}' ({1}) is held across this await: the code after it may resume on another thread, where {2}, and the lock stays held for the whole wait",
        RuleCategories.Locking,
        DiagnosticSeverity.Warning,
        description: "Monitor, Lock, Mutex, ReaderWriterLockSlim and SpinLock belong to the thread that took them. After an " +
                     "await the method may resume on another thread: the release then throws (SynchronizationLockException, " +
                     "ApplicationException for a Mutex) and the owner never releases the lock, and the lock is held for the " +
                     "whole wait. Use SemaphoreSlim.WaitAsync/Release, or release the lock before awaiting.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var locks = ThreadingModel.Get(start.Compilation).Locks;
            if (locks.Monitor is null && locks.Lock is null && locks.Mutex is null && locks.ReaderWriterLockSlim is null && locks.SpinLock is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeBody(c, locks, ((IMethodBodyOperation)c.Operation).BlockBody ?? ((IMethodBodyOperation)c.Operation).ExpressionBody, c.ContainingSymbol), OperationKind.MethodBody);
            start.RegisterOperationAction(c => AnalyzeBody(c, locks, ((IAnonymousFunctionOperation)c.Operation).Body, ((IAnonymousFunctionOperation)c.Operation).Symbol), OperationKind.AnonymousFunction);
            start.RegisterOperationAction(c =>
            {
                var local = (ILocalFunctionOperation)c.Operation;
                AnalyzeBody(c, locks, local.Body ?? local.IgnoredBody, local.Symbol);
            }, OperationKind.LocalFunction);
        });
    }

    private static void AnalyzeBody(OperationAnalysisContext context, LockApi locks, IOperation? body, ISymbol? owner)
    {
        if (body is null || owner is not IMethodSymbol { IsAsync: true } || !TakesThreadAffineLock(body, locks))
        {
            return;
        }

        ReportAwaitsUnderLock(context, locks, body, owner);
    }

    /// <summary>Walks the body (a separate method: its closure is allocated only for bodies that get this far).</summary>
    private static void ReportAwaitsUnderLock(OperationAnalysisContext context, LockApi locks, IOperation body, ISymbol owner)
    {
        HeldLocks.Walk(body, locks, HeldLockState.Empty, (operation, state) =>
        {
            if (state.Must.IsEmpty || AwaitSite(operation) is not { } site)
            {
                return;
            }

            foreach (var identity in state.Must)
            {
                if (IsThreadAffine(identity.Primitive))
                {
                    Report(context, site, identity, owner);
                    return;
                }
            }
        }, context.CancellationToken);
    }

    /// <summary>A cheap look before the walk: does this body (not its lambdas) take a thread-affine lock by a call?</summary>
    private static bool TakesThreadAffineLock(IOperation body, LockApi locks)
    {
        var stack = new System.Collections.Generic.Stack<IOperation>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is IInvocationOperation invocation && locks.TryGetAction(invocation, out var action) &&
                action.IsAcquire && IsThreadAffine(action.Primitive))
            {
                return true;
            }

            foreach (var child in current.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }

        return false;
    }

    private static bool IsThreadAffine(LockPrimitive primitive) =>
        primitive is LockPrimitive.Monitor or LockPrimitive.Lock or LockPrimitive.Mutex or LockPrimitive.ReaderWriterLockSlim or LockPrimitive.SpinLock;

    /// <summary>Where an await happens: the <c>await</c> expression, or the <c>await</c> keyword of <c>await foreach</c>/<c>await using</c>.</summary>
    private static Location? AwaitSite(IOperation operation) => operation switch
    {
        IAwaitOperation awaited => awaited.Syntax.GetLocation(),
        IForEachLoopOperation { IsAsynchronous: true, Syntax: CommonForEachStatementSyntax loop } => loop.AwaitKeyword.GetLocation(),
        IUsingOperation { IsAsynchronous: true, Syntax: UsingStatementSyntax statement } => statement.AwaitKeyword.GetLocation(),
        IUsingDeclarationOperation { IsAsynchronous: true, Syntax: LocalDeclarationStatementSyntax declaration } => declaration.AwaitKeyword.GetLocation(),
        _ => null,
    };

    private static void Report(OperationAnalysisContext context, Location site, LockIdentity identity, ISymbol owner)
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(PrimitiveProperty, identity.Primitive.ToString());
        if (!identity.IsThis && identity.Path.Symbols.Length == 1 && identity.Path.Root is IFieldSymbol field &&
            SymbolEqualityComparer.Default.Equals(field.ContainingType, owner.ContainingType))
        {
            properties = properties.Add(FieldProperty, field.Name);
        }

        context.ReportDiagnostic(Diagnostic.Create(Rule, site, properties, identity.Display, Name(identity.Primitive), Failure(identity.Primitive)));
    }

    private static string Name(LockPrimitive primitive) => primitive switch
    {
        LockPrimitive.Lock => "System.Threading.Lock",
        _ => primitive.ToString(),
    };

    private static string Failure(LockPrimitive primitive) => primitive switch
    {
        LockPrimitive.Mutex => "ReleaseMutex throws ApplicationException",
        LockPrimitive.ReaderWriterLockSlim => "the Exit…Lock call throws SynchronizationLockException",
        LockPrimitive.SpinLock => "SpinLock.Exit throws SynchronizationLockException",
        LockPrimitive.Lock => "Lock.Exit throws SynchronizationLockException",
        _ => "Monitor.Exit throws SynchronizationLockException",
    };
}
