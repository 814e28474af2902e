using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0006: <c>IsBackground</c> or the apartment state of a <c>Thread</c> set after <c>Start()</c> on some path.
/// Setting <c>IsBackground</c> on a finished thread throws <c>ThreadStateException</c> (a timing-dependent crash), and
/// until it runs the thread keeps the process alive; <c>SetApartmentState</c> after <c>Start</c> always throws.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0006ThreadConfiguredAfterStartAnalyzer : DiagnosticAnalyzer
{
    internal const string IsBackgroundSetting = "IsBackground";
    internal const string ApartmentStateSetting = "the apartment state";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ThreadConfiguredAfterStart,
        title: "Thread configured after Start",
        messageFormat: "'{0}' sets {1} after the thread was started at line {2}: set it before Start()",
        RuleCategories.Lifecycle,
        DiagnosticSeverity.Warning,
        description: "IsBackground and the apartment state configure how a thread starts. Set after Start(), IsBackground " +
                     "throws ThreadStateException once the thread has finished (a timing-dependent crash) and the thread keeps " +
                     "the process alive until it runs; SetApartmentState after Start() always throws.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var model = ThreadingModel.Get(start.Compilation);
            if (model.Threads.Thread is null || model.Threads.StartMethods.IsEmpty)
            {
                return;
            }

            var starts = new StartApi(model);
            start.RegisterOperationAction(
                c => AnalyzeConfiguration(c, starts),
                OperationKind.SimpleAssignment,
                OperationKind.Invocation);
        });
    }

    private static void AnalyzeConfiguration(OperationAnalysisContext context, StartApi starts)
    {
        if (!TryGetConfiguredThread(context.Operation, starts.Model.Threads, out var thread, out var setting) ||
            !AccessPath.TryCreate(UnwrapConditionalReceiver(thread), out var path))
        {
            return;
        }

        var site = context.Operation.Syntax;
        var graph = ControlFlowGraphs.FindGraphContaining(context.GetControlFlowGraph(), site, context.CancellationToken);
        if ((StartedInstances.FindStartReaching(graph, starts, path, site, context.CancellationToken) ??
             StartedInstances.FindStartReachingInvokedLambda(graph, starts, path, context.Operation, context.CancellationToken)) is not { Kind: StartKind.Thread } fact)
        {
            return;
        }

        var start = fact.Site;
        var line = start.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        context.ReportDiagnostic(Diagnostic.Create(
            Rule,
            site.GetLocation(),
            additionalLocations: new[] { start.GetLocation() },
            properties: ImmutableDictionary<string, string?>.Empty.Add("Setting", setting),
            path.Display,
            setting,
            line));
    }

    /// <summary>Recognizes <c>t.IsBackground = …</c>, <c>t.ApartmentState = …</c> and <c>t.(Try)SetApartmentState(…)</c>.</summary>
    internal static bool TryGetConfiguredThread(IOperation operation, ThreadApi threads, out IOperation? thread, out string setting)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }
                when SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, threads.IsBackground):
                thread = property.Instance;
                setting = IsBackgroundSetting;
                return thread is not null;
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }
                when SymbolEqualityComparer.Default.Equals(property.Property.OriginalDefinition, threads.ApartmentState):
                thread = property.Instance;
                setting = ApartmentStateSetting;
                return thread is not null;
            case IInvocationOperation invocation when threads.SetApartmentStateMethods.ContainsMethod(invocation.TargetMethod):
                thread = invocation.Instance;
                setting = ApartmentStateSetting;
                return thread is not null;
            default:
                thread = null;
                setting = string.Empty;
                return false;
        }
    }

    /// <summary>In <c>t?.SetApartmentState(…)</c> the receiver is the conditional access's operand.</summary>
    private static IOperation? UnwrapConditionalReceiver(IOperation? operation)
    {
        if (operation is not IConditionalAccessInstanceOperation)
        {
            return operation;
        }

        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IConditionalAccessOperation access)
            {
                return access.Operation;
            }
        }

        return operation;
    }
}
