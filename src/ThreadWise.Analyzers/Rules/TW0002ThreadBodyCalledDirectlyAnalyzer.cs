using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0002: the body of a thread called directly, so it runs on the calling thread and nothing runs concurrently:
/// <c>worker.Run()</c> on a locally created instance of a type whose <c>Start()</c> runs <c>Run</c> on a thread (the
/// course's "call run() instead of start()"), or <c>Work()</c> after <c>var t = new Thread(Work)</c> when <c>t</c>
/// is never started.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0002ThreadBodyCalledDirectlyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the call to use instead (<c>w.Start()</c> → <c>Start</c>), set when the fix applies.</summary>
    internal const string StarterProperty = "Starter";

    /// <summary>Diagnostic property: the never-started thread or task local whose <c>Start()</c> replaces the call.</summary>
    internal const string ThreadProperty = "Thread";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ThreadBodyCalledDirectly,
        title: "Thread body called instead of starting the thread",
        messageFormat: "'{0}' is {1}, but calling it runs it synchronously on the calling thread: {2}",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        description: "Calling the method a thread runs is an ordinary call: the work runs on the calling thread, one call " +
                     "after the other, and the thread never starts. Start the thread (or call the type's Start method) to run " +
                     "the body concurrently.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            if (model.Threads.Thread is null && model.Tasks.Task is null)
            {
                return;
            }

            var bodies = new ThreadBodies(model);
            var fields = new FieldInstances(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeOwnerCall(c, model, bodies, fields), OperationKind.Invocation);
            start.RegisterOperationBlockStartAction(block =>
            {
                // The thread is created in one place and its body called in another: collect the creations of the
                // block, then report at the calls when the whole block has been seen.
                // Most blocks create no thread or task: the queue is made on the first one.
                ConcurrentQueue<IObjectCreationOperation>? creations = null;
                block.RegisterOperationAction(
                    c =>
                    {
                        var creation = (IObjectCreationOperation)c.Operation;
                        if (model.Threads.IsThread(creation.Type) || model.Tasks.IsTask(creation.Type))
                        {
                            LazyInitializer.EnsureInitialized(ref creations, static () => new ConcurrentQueue<IObjectCreationOperation>())!.Enqueue(creation);
                        }
                    },
                    OperationKind.ObjectCreation);
                block.RegisterOperationBlockEndAction(end =>
                {
                    if (Volatile.Read(ref creations) is not { } created)
                    {
                        return;
                    }

                    foreach (var creation in created)
                    {
                        AnalyzeLocalThread(end, creation, model);
                    }
                });
            });
        });
    }

    /// <summary><c>new Worker().Run()</c> / <c>var w = new Worker(); w.Run();</c> where <c>Worker.Start()</c> runs <c>Run</c> on a thread.</summary>
    private static void AnalyzeOwnerCall(OperationAnalysisContext context, ThreadingModel model, ThreadBodies bodies, FieldInstances fields)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var receiver = StartApi.Unwrap(invocation.Instance);
        if (method.IsStatic || method.MethodKind != MethodKind.Ordinary || receiver is null or IInstanceReferenceOperation ||
            receiver is not (IObjectCreationOperation or ILocalReferenceOperation or IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation }) ||
            receiver.Type is not INamedTypeSymbol { TypeKind: TypeKind.Class } receiverType ||
            context.ContainingSymbol.ContainingType is not { } callerType ||
            callerType.InheritsFromOrEquals(method.ContainingType) ||
            !bodies.MayLaunch(receiverType, method.Name, context.CancellationToken) ||
            !bodies.Get(receiverType, invocation.SemanticModel, context.CancellationToken).TryFind(method, out var starters))
        {
            return;
        }

        ReportOwnerCall(context, model, bodies, fields, invocation, receiver, callerType, starters);
    }

    /// <summary>
    /// The rest of <see cref="AnalyzeOwnerCall"/>, for the few calls that get this far (a separate method: its closures
    /// are allocated only here, not on every invocation).
    /// </summary>
    private static void ReportOwnerCall(OperationAnalysisContext context, ThreadingModel model, ThreadBodies bodies, FieldInstances fields,
        IInvocationOperation invocation, IOperation receiver, INamedTypeSymbol callerType, ImmutableHashSet<IMethodSymbol> starters)
    {
        var method = invocation.TargetMethod;

        // A method returning a task (`Task StartAsync() => Task.Run(Run)`) is an async alternative, not a thread start.
        // Neither is `RunAsync()` that starts `Run` on a thread: by .NET's naming convention `Run` and `RunAsync` are one
        // operation offered both ways, so `Run()` is the synchronous form on purpose (NetMQ's NetMQPoller.Run/RunAsync).
        var candidates = starters
            .Where(s => s.ReturnsVoid && s.Name != method.Name + "Async")
            .OrderBy(s => s.Parameters.Length).ThenBy(s => s.Name, System.StringComparer.Ordinal).ToList();
        if (candidates.Count == 0 || !IsCreatedHereAndNeverStarted(invocation, receiver, candidates, fields, context.CancellationToken) ||
            RunsOnAnotherThread(invocation, model) ||
            (context.ContainingSymbol is IMethodSymbol caller && bodies.MayLaunch(callerType, caller.Name, context.CancellationToken) &&
             bodies.Get(callerType, invocation.SemanticModel, context.CancellationToken).IsBody(caller)))
        {
            // The caller is itself the body of a thread its type starts: running a worker inline there is deliberate.
            return;
        }

        var starter = candidates.FirstOrDefault(s => s.Parameters.IsEmpty && context.Compilation.IsSymbolAccessibleWithin(s, callerType)) ?? candidates[0];
        var receiverText = receiver.Syntax.ToString();
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (starter.Parameters.IsEmpty && invocation.Arguments.IsEmpty && context.Compilation.IsSymbolAccessibleWithin(starter, callerType))
        {
            properties = properties.Add(StarterProperty, starter.Name);
        }

        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            invocation.Syntax.GetLocation(),
            properties,
            invocation.Syntax.ToString(),
            $"the body of the thread that '{starter.ContainingType.Name}.{starter.Name}()' starts",
            $"call '{receiverText}.{starter.Name}()' to run it on its own thread"));
    }

    /// <summary><c>var t = new Thread(Work); … Work();</c> with <c>t</c> never started.</summary>
    private static void AnalyzeLocalThread(OperationBlockAnalysisContext context, IObjectCreationOperation creation, ThreadingModel model)
    {
        var launch = model.Launches.LaunchedDelegates(creation).FirstOrDefault();
        if (launch.Argument is null || launch.Kind is not (LaunchKind.ThreadConstructor or LaunchKind.ColdTask) ||
            ThreadBodies.BodyMethod(launch.Argument.Value, out var bodyReceiver) is not { } body ||
            LocalAssigned(creation) is not { } local ||
            !IsOnlyConfiguredOrWaited(OperationTree.Root(creation), local, creation, model))
        {
            return;
        }

        IOperation? root = creation;
        while (root is not null && !context.OperationBlocks.Contains(root))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            return;
        }

        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(root), creation.Syntax, context.CancellationToken);
        var call = FirstDirectCallReached(graph, creation.Syntax, body, bodyReceiver);
        if (call is null || SymbolEqualityComparer.Default.Equals(context.OwningSymbol.OriginalDefinition, body.OriginalDefinition))
        {
            return;
        }

        var what = model.Threads.IsThread(creation.Type) ? "thread" : "task";
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            call.Syntax.GetLocation(),
            additionalLocations: new[] { creation.Syntax.GetLocation() },
            properties: ImmutableDictionary<string, string?>.Empty.Add(ThreadProperty, local.Name),
            call.Syntax.ToString(),
            $"the body of {what} '{local.Name}'",
            $"'{local.Name}' is never started; call '{local.Name}.Start()' instead"));
    }

    /// <summary>
    /// The receiver is a new object (<c>new Worker().Run()</c>), a local that only ever holds new objects, is never
    /// passed anywhere (where it might be started) and is never started in this body, or such a private field of the
    /// calling type.
    /// </summary>
    private static bool IsCreatedHereAndNeverStarted(
        IInvocationOperation call, IOperation receiver, List<IMethodSymbol> starters, FieldInstances fields, CancellationToken cancellationToken)
    {
        if (receiver is IObjectCreationOperation)
        {
            return true;
        }

        // A private field that only ever holds new objects, is never handed out, and is never started by its type.
        if (receiver is IFieldReferenceOperation { Field: var field })
        {
            return fields.Get(field, call.SemanticModel, cancellationToken) is { OnlyNewObjects: true, Escapes: false } use &&
                   !use.Invoked.Any(invoked => starters.Any(starter => Overrides(invoked, starter)));
        }

        if (receiver is not ILocalReferenceOperation { Local: var local })
        {
            return false;
        }

        var created = false;
        foreach (var operation in OperationTree.Root(call).DescendantsAndSelf())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    if (declarator.Initializer is { } initializer)
                    {
                        if (StartApi.Unwrap(initializer.Value) is not IObjectCreationOperation)
                        {
                            return false;
                        }

                        created = true;
                    }

                    break;
                case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                    var (child, user) = OperationTree.User(reference);
                    switch (user)
                    {
                        case ISimpleAssignmentOperation assignment when assignment.Target == child:
                            if (StartApi.Unwrap(assignment.Value) is not IObjectCreationOperation)
                            {
                                return false;
                            }

                            created = true;
                            break;
                        case IInvocationOperation invocation when invocation.Instance == child:
                            if (starters.Any(s => Overrides(invocation.TargetMethod, s)))
                            {
                                return false;
                            }

                            break;
                        case IMemberReferenceOperation member when member.Instance == child:
                            break;
                        default:
                            return false;
                    }

                    break;
            }
        }

        return created;
    }

    /// <summary>A call written inside a lambda that is itself run on another thread is already concurrent.</summary>
    private static bool RunsOnAnotherThread(IOperation operation, ThreadingModel model)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is not IAnonymousFunctionOperation)
            {
                continue;
            }

            var (_, user) = OperationTree.User(current.Parent is IDelegateCreationOperation delegateCreation ? delegateCreation : current);
            if (user is IArgumentOperation { Parent: { } launch } && model.Launches.LaunchedDelegates(launch).Any())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The local that <paramref name="creation"/> is stored in (<c>var t = new Thread(…)</c> or <c>t = new Thread(…)</c>).</summary>
    private static ILocalSymbol? LocalAssigned(IOperation creation)
    {
        var (child, user) = OperationTree.User(creation);
        return user switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == child => target.Local,
            _ => null,
        };
    }

    /// <summary>
    /// Every use of the local is configuring, reading or waiting for it (<c>t.IsBackground = true</c>, <c>t.Join()</c>,
    /// <c>await t</c>): it is never started (<c>Start</c>, <c>RunSynchronously</c>), reassigned or passed anywhere.
    /// </summary>
    private static bool IsOnlyConfiguredOrWaited(IOperation root, ILocalSymbol local, IOperation creation, ThreadingModel model)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            var (child, user) = OperationTree.User(reference);
            switch (user)
            {
                case ISimpleAssignmentOperation assignment when assignment.Target == child:
                    if (StartApi.Unwrap(assignment.Value) != creation)
                    {
                        return false;
                    }

                    break;
                case IInvocationOperation invocation when invocation.Instance == child:
                    var target = invocation.TargetMethod;
                    if (model.Threads.StartMethods.ContainsMethod(target) || model.Tasks.StartMethods.ContainsMethod(target) ||
                        model.Tasks.RunSynchronouslyMethods.ContainsMethod(target) ||
                        !(model.Threads.IsThread(target.ContainingType) || model.Tasks.IsTask(target.ContainingType) ||
                          target.ContainingType.SpecialType == SpecialType.System_Object))
                    {
                        return false;
                    }

                    break;
                case IMemberReferenceOperation member when member.Instance == child:
                case IAwaitOperation:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>The first direct call of <paramref name="body"/> (same receiver) that the creation reaches in this graph.</summary>
    private static IInvocationOperation? FirstDirectCallReached(ControlFlowGraph graph, SyntaxNode creation, IMethodSymbol body, IOperation? bodyReceiver)
    {
        var receiverPath = bodyReceiver is null or IInstanceReferenceOperation ? (AccessPath?)null : AccessPath.Create(bodyReceiver);
        if (bodyReceiver is not null and not IInstanceReferenceOperation && receiverPath is null)
        {
            return null;
        }

        IInvocationOperation? first = null;
        foreach (var operation in Reachability.OperationsAfter(graph, o => o is IObjectCreationOperation && o.Syntax == creation))
        {
            if (operation is IInvocationOperation call && IsDirectCall(call, body, bodyReceiver, receiverPath) &&
                (first is null || call.Syntax.SpanStart < first.Syntax.SpanStart))
            {
                first = call;
            }
        }

        return first;
    }

    private static bool IsDirectCall(IInvocationOperation call, IMethodSymbol body, IOperation? bodyReceiver, AccessPath? receiverPath)
    {
        if (!SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, body.OriginalDefinition))
        {
            return false;
        }

        var instance = StartApi.Unwrap(call.Instance);
        return bodyReceiver switch
        {
            null => instance is null || body.MethodKind == MethodKind.LocalFunction,
            IInstanceReferenceOperation => instance is IInstanceReferenceOperation,
            _ => receiverPath is { } path && AccessPath.TryCreate(instance, out var called) && called.Equals(path),
        };
    }

    private static bool Overrides(IMethodSymbol method, IMethodSymbol candidate)
    {
        for (var current = method.OriginalDefinition; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
        {
            if (SymbolEqualityComparer.Default.Equals(current, candidate.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
