using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0013: a parent that waits for a child process before reading the child's redirected output, or that reads both
/// redirected streams synchronously one after the other. The child blocks once an OS pipe is full and the parent
/// waits for it: a hang that shows only with large outputs. Live: the story lies in one executable body.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0013ProcessOutputReadAfterWaitAnalyzer : DiagnosticAnalyzer
{
    internal const string ShapeProperty = "Shape";
    internal const string WaitBeforeReadShape = "WaitBeforeRead";
    internal const string SequentialReadsShape = "SequentialReads";

    private const string Title = "Child process waited for before its output is read";
    private const string Description =
        "A child process writes into an OS pipe of fixed size and blocks once it is full, until the parent reads. A " +
        "parent that waits for the child to exit before reading its redirected output, or that reads standard output to " +
        "the end before reading standard error, waits for a child that waits for it: a hang that shows only with large " +
        "outputs. Read before waiting, and drain one of two streams asynchronously.";

    internal static readonly DiagnosticDescriptor WaitBeforeRead = RuleDescriptors.Create(
        RuleIds.ProcessOutputReadAfterWait,
        Title,
        messageFormat: "'{0}' is waited for before its {1} is read (line {2}): the child blocks once the pipe is full and the wait never ends; read the output before waiting",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        Description);

    internal static readonly DiagnosticDescriptor SequentialReads = RuleDescriptors.Create(
        RuleIds.ProcessOutputReadAfterWait,
        Title,
        messageFormat: "'{0}' {1} is read after its {2} was read to the end (line {3}): meanwhile the child blocks on a full {1} pipe; read one of them asynchronously",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        Description);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(WaitBeforeRead, SequentialReads);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var processes = ThreadingModel.Get(start.Compilation).Processes;
            if (processes.Process is null || processes.StandardOutput is null || processes.StandardError is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, processes), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ProcessApi processes)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (processes.WaitMethods.ContainsMethod(invocation.TargetMethod))
        {
            AnalyzeWait(context, processes, invocation);
        }
        else if (processes.SynchronousReads.ContainsMethod(invocation.TargetMethod))
        {
            AnalyzeSynchronousRead(context, processes, invocation);
        }
    }

    /// <summary>Shape 1: <c>p.WaitForExit()</c>, then a read of a stream nothing drained before the wait.</summary>
    private static void AnalyzeWait(OperationAnalysisContext context, ProcessApi processes, IInvocationOperation wait)
    {
        if (!AccessPath.TryCreate(wait.Instance, out var process))
        {
            return;
        }

        var body = OperationTree.Root(wait);
        var outputDrained = DrainedBefore(body, processes, process, processes.StandardOutput!, processes.BeginOutputReadLine, wait.Syntax.SpanStart);
        var errorDrained = DrainedBefore(body, processes, process, processes.StandardError!, processes.BeginErrorReadLine, wait.Syntax.SpanStart);
        if (outputDrained && errorDrained)
        {
            return;
        }

        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), wait.Syntax, context.CancellationToken);
        var timed = processes.TimedWaitMethods.ContainsMethod(wait.TargetMethod);
        foreach (var operation in Reachability.OperationsAfter(graph, o => o.Syntax == wait.Syntax && o is IInvocationOperation, o => Replaces(o, process)))
        {
            if (timed && operation.Syntax == wait.Syntax && operation is IInvocationOperation)
            {
                // A timed wait in a loop that reads between its rounds polls the output: the pipe is drained.
                return;
            }

            if (StreamRead(operation, processes, process) is not { } stream ||
                (IsOutput(stream.Property, processes) ? outputDrained : errorDrained))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                WaitBeforeRead,
                wait.Syntax.GetLocation(),
                additionalLocations: new[] { stream.Syntax.GetLocation() },
                properties: ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, WaitBeforeReadShape),
                process.Display,
                StreamName(stream.Property, processes),
                stream.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1));
            return;
        }
    }

    /// <summary>
    /// Shape 2: a synchronous read of one stream reached after <c>p.OtherStream.ReadToEnd()</c>. Reported on the
    /// analyzed read itself (a diagnostic placed elsewhere would not be local to the operation, and the editor drops it).
    /// </summary>
    private static void AnalyzeSynchronousRead(OperationAnalysisContext context, ProcessApi processes, IInvocationOperation second)
    {
        if (second.Instance is not IPropertyReferenceOperation { Instance: { } receiver } secondStream ||
            !IsStream(secondStream.Property, processes) ||
            !AccessPath.TryCreate(receiver, out var process))
        {
            return;
        }

        var isOutput = IsOutput(secondStream.Property, processes);
        var firstStream = isOutput ? processes.StandardError! : processes.StandardOutput!;
        var secondBegin = isOutput ? processes.BeginOutputReadLine : processes.BeginErrorReadLine;
        var body = OperationTree.Root(second);
        ControlFlowGraph? graph = null;
        foreach (var candidate in body.DescendantsAndSelf())
        {
            if (candidate is not IInvocationOperation { Instance: IPropertyReferenceOperation { Instance: { } firstReceiver } reference } first ||
                first.Syntax.SpanStart >= second.Syntax.SpanStart ||
                !processes.ReadToEndMethods.ContainsMethod(first.TargetMethod) ||
                !SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, firstStream) ||
                !SamePath(firstReceiver, process) ||
                DrainedBefore(body, processes, process, secondStream.Property, secondBegin, first.Syntax.SpanStart))
            {
                continue;
            }

            graph ??= ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), second.Syntax, context.CancellationToken);
            var reached = Reachability.OperationsAfter(graph, o => o.Syntax == first.Syntax && o is IInvocationOperation, o => Replaces(o, process))
                .Any(o => o.Syntax == second.Syntax && o is IInvocationOperation);
            if (!reached)
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                SequentialReads,
                second.Syntax.GetLocation(),
                additionalLocations: new[] { first.Syntax.GetLocation() },
                properties: ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, SequentialReadsShape),
                process.Display,
                StreamName(secondStream.Property, processes),
                StreamName(firstStream, processes),
                first.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1));
            return;
        }
    }

    /// <summary>
    /// True when the method touches <paramref name="stream"/> of the process (a read, an async read, handing it
    /// on) or starts event-based reading of it before <paramref name="position"/>, anywhere in its body including
    /// lambdas (a reader task started earlier drains the pipe).
    /// </summary>
    private static bool DrainedBefore(IOperation body, ProcessApi processes, AccessPath process, IPropertySymbol stream, ImmutableHashSet<IMethodSymbol> begin, int position)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation.Syntax.SpanStart >= position)
            {
                continue;
            }

            switch (operation)
            {
                case IPropertyReferenceOperation { Instance: { } instance } reference
                    when SymbolEqualityComparer.Default.Equals(reference.Property.OriginalDefinition, stream) && SamePath(instance, process):
                    return true;
                case IInvocationOperation { Instance: { } instance } invocation
                    when begin.ContainsMethod(invocation.TargetMethod) && SamePath(instance, process):
                    return true;
            }
        }

        return false;
    }

    /// <summary>A read of a redirected stream of <paramref name="process"/> (any use but closing the reader).</summary>
    private static IPropertyReferenceOperation? StreamRead(IOperation operation, ProcessApi processes, AccessPath process)
    {
        if (operation is not IPropertyReferenceOperation { Instance: { } instance } reference ||
            !IsStream(reference.Property, processes) || !SamePath(instance, process))
        {
            return null;
        }

        return reference.Parent is IInvocationOperation parent && processes.ReaderCloseMethods.ContainsMethod(parent.TargetMethod)
            ? null
            : reference;
    }

    /// <summary>An assignment that puts another process into the variable ends the story of the old one.</summary>
    private static bool Replaces(IOperation operation, AccessPath process) =>
        operation is ISimpleAssignmentOperation assignment && SamePath(assignment.Target, process);

    private static bool SamePath(IOperation operation, AccessPath process) =>
        AccessPath.TryCreate(operation, out var path) && path.Equals(process);

    private static bool IsStream(IPropertySymbol property, ProcessApi processes) =>
        SymbolEqualityComparer.Default.Equals(property.OriginalDefinition, processes.StandardOutput) ||
        SymbolEqualityComparer.Default.Equals(property.OriginalDefinition, processes.StandardError);

    private static bool IsOutput(IPropertySymbol property, ProcessApi processes) =>
        SymbolEqualityComparer.Default.Equals(property.OriginalDefinition, processes.StandardOutput);

    private static string StreamName(IPropertySymbol property, ProcessApi processes) =>
        IsOutput(property, processes) ? "standard output" : "standard error";
}
