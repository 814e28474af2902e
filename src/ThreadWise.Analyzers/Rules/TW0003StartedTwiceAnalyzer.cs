using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0003: <c>Start()</c> on a <c>Thread</c>, a cold <c>Task</c> or a <c>Process</c> that may already have been started
/// on some path: twice in a row, after a branch, after <c>Join</c>, in a loop on an instance created outside it, or on a
/// task that <c>Task.Run</c> already started. A thread throws <c>ThreadStateException</c>, a task
/// <c>InvalidOperationException</c>; a process object silently launches a second process.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0003StartedTwiceAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the <see cref="StartKind"/> of the started instance.</summary>
    internal const string KindProperty = "Kind";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ThreadStartedTwice,
        title: "Thread, task or process started twice",
        messageFormat: "'{0}' may already have been started {1}: {2}",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        description: "A thread can be started only once: a second Start(), even after the thread has finished, throws " +
                     "ThreadStateException. A task can be started only once, and a task from Task.Run or an async method is " +
                     "already started: Start() throws InvalidOperationException. Process.Start() on a started instance throws " +
                     "nothing: it silently launches a second process. Create a new instance for each start.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var starts = new StartApi(ThreadingModel.Get(start.Compilation));
            if (!starts.IsAvailable)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeStart(c, starts), OperationKind.Invocation);
        });
    }

    private static void AnalyzeStart(OperationAnalysisContext context, StartApi starts)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!starts.TryGetStart(invocation, out var kind))
        {
            if (starts.TryGetWrapperStart(invocation, out var field))
            {
                AnalyzeWrapperStart(context, invocation, field, starts);
            }

            return;
        }

        // Task.Run(...).Start(): the task is running (or done) before Start is called.
        var receiver = StartApi.Unwrap(invocation.Instance);
        if (kind == StartKind.Task && starts.IsHotTask(receiver))
        {
            Report(context, invocation, receiver!.Syntax.ToString(), new StartFact(receiver.Syntax, StartKind.HotTask));
            return;
        }

        if (!AccessPath.TryCreate(invocation.Instance, out var path))
        {
            return;
        }

        var site = invocation.Syntax;
        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), site, context.CancellationToken);
        var fact = StartedInstances.FindStartReaching(graph, starts, path, site, context.CancellationToken) ??
                   StartedInstances.FindStartReachingInvokedLambda(graph, starts, path, invocation, context.CancellationToken);
        if (fact is null || StartGuards.IsGuarded(invocation, path, fact.Value.Kind, starts) ||
            (fact.Value.Site == site && StartGuards.IsConditionalInLoop(invocation, path)))
        {
            return;
        }

        Report(context, invocation, path.Display, fact.Value);
    }

    /// <summary><c>w.Start(); w.Start();</c> where <c>Start()</c> starts the thread in one of <c>w</c>'s fields each time.</summary>
    private static void AnalyzeWrapperStart(OperationAnalysisContext context, IInvocationOperation invocation, IFieldSymbol field, StartApi starts)
    {
        if (!StartedInstances.TryGetWrapperKey(invocation.Instance, field, null, out var key) ||
            !AccessPath.TryCreate(StartApi.Unwrap(invocation.Instance), out var receiver))
        {
            return;
        }

        var site = invocation.Syntax;
        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), site, context.CancellationToken);
        var fact = StartedInstances.FindStartReaching(graph, starts, key, site, context.CancellationToken);
        if (fact is null || StartGuards.IsGuarded(invocation, receiver, StartKind.Wrapper, starts) ||
            (fact.Value.Site == site && StartGuards.IsConditionalInLoop(invocation, receiver)))
        {
            return;
        }

        Report(context, invocation, receiver.Display, fact.Value,
            $"'{invocation.TargetMethod.ContainingType.Name}.{invocation.TargetMethod.Name}()' starts the thread in '{field.Name}' each time, and a thread can be started only once, so this throws " +
            (starts.Model.Threads.IsThread(field.Type) ? "ThreadStateException" : "InvalidOperationException") + "; create a new instance for each start");
    }

    private static void Report(OperationAnalysisContext context, IInvocationOperation invocation, string name, StartFact fact, string? reason = null)
    {
        var site = invocation.Syntax;
        var line = fact.Site.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        var where = fact.Site == site
            ? "by this call in an earlier iteration of the loop"
            : fact.Kind == StartKind.HotTask
                ? $"by the call at line {line} that created it"
                : $"at line {line}";
        var why = reason ?? fact.Kind switch
        {
            StartKind.Thread => "a thread can be started only once, so this throws ThreadStateException; create a new Thread for each start",
            StartKind.Task => "a task can be started only once, so this throws InvalidOperationException; create a new Task for each start",
            StartKind.HotTask => "the task is already running, so Start() throws InvalidOperationException; do not call Start() on it",
            _ => "Process.Start() on a started instance silently launches a second process and loses the first one's handle; " +
                 "wait for it to exit first, or use a new Process",
        };

        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            site.GetLocation(),
            additionalLocations: new[] { fact.Site.GetLocation() },
            properties: ImmutableDictionary<string, string?>.Empty.Add(KindProperty, fact.Kind.ToString()),
            name,
            where,
            why));
    }
}
