using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0012: a lambda run on another thread later (<c>new Thread</c>, <c>Task.Run</c>, <c>QueueUserWorkItem</c>,
/// timers, …) that is created in a loop and reads a variable the loop changes between iterations: every thread reads
/// the one shared variable when it runs, not the value it had when the thread was made. Live: one method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0012LoopVariableCapturedByThreadAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The captured variable's name, for the fixer.</summary>
    internal const string VariableProperty = "Variable";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.LoopVariableCapturedByThread,
        title: "Loop variable captured by code that runs on another thread",
        messageFormat: "'{0}' is captured by a {1} body while the loop keeps changing it: the thread reads the variable when it runs, not the value it has now; copy it into a local of the loop body",
        RuleCategories.Race,
        DiagnosticSeverity.Warning,
        description: "A lambda captures variables, not values. Created in a loop and run on another thread later, it reads " +
                     "the loop's shared variable when the thread runs, by which time the loop has moved on: threads see the " +
                     "same or the final value. Copy the variable into a local declared in the loop body, or pass the value " +
                     "as the thread's state argument.");

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

            var waits = new BlockingWaits(start.Compilation, model);
            start.RegisterOperationAction(c => Analyze(c, model, waits), OperationKind.Invocation, OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ThreadingModel model, BlockingWaits waits)
    {
        var launch = context.Operation;
        if (launch.Syntax.FirstAncestorOrSelf<SyntaxNode>(IsLoopSyntax) is null || LaunchWaits.RunsBeforeTheCallerGoesOn(launch, model, waits))
        {
            return;
        }

        foreach (var (value, _) in model.Launches.LaunchedDelegateValues(launch))
        {
            if (OperationTree.DelegateTarget(value) is not IAnonymousFunctionOperation lambda)
            {
                continue;
            }

            foreach (var (local, firstUse) in CapturedReads(lambda))
            {
                if (ChangingLoop(launch, local) is { } loop && !LaunchWaits.WaitsAfter(loop.Body, launch, waits))
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Rule,
                        firstUse.Syntax.GetLocation(),
                        ImmutableDictionary<string, string?>.Empty.Add(VariableProperty, local.Name),
                        local.Name,
                        LaunchName(launch)));
                }
            }
        }
    }

    private static bool IsLoopSyntax(SyntaxNode node) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ForStatementSyntax
        or Microsoft.CodeAnalysis.CSharp.Syntax.WhileStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.DoStatementSyntax
        or Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax;

    /// <summary>The locals of the enclosing method the lambda reads, each with its first read; skipped when the lambda also writes it.</summary>
    private static IEnumerable<(ILocalSymbol Local, IOperation FirstUse)> CapturedReads(IAnonymousFunctionOperation lambda)
    {
        var first = new Dictionary<ILocalSymbol, IOperation>(SymbolEqualityComparer.Default);
        var written = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        var order = new List<ILocalSymbol>();
        foreach (var operation in lambda.Body.DescendantsAndSelf())
        {
            if (operation is not ILocalReferenceOperation reference || IsInside(reference.Local, lambda))
            {
                continue;
            }

            if (IsWrite(reference))
            {
                written.Add(reference.Local);
            }
            else if (!first.ContainsKey(reference.Local))
            {
                first.Add(reference.Local, reference);
                order.Add(reference.Local);
            }
        }

        foreach (var local in order)
        {
            if (!written.Contains(local))
            {
                yield return (local, first[local]);
            }
        }
    }

    /// <summary>True when the local is declared inside the lambda (not captured).</summary>
    private static bool IsInside(ILocalSymbol local, IAnonymousFunctionOperation lambda)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == lambda.Syntax.SyntaxTree && lambda.Syntax.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return local.DeclaringSyntaxReferences.IsEmpty;
    }

    /// <summary>
    /// The innermost loop around <paramref name="launch"/> (in the same body) whose iterations share
    /// <paramref name="local"/> and that assigns it: a <c>for</c> header variable, or a local declared outside the loop.
    /// </summary>
    private static ILoopOperation? ChangingLoop(IOperation launch, ILocalSymbol local)
    {
        for (var current = launch.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }

            if (current is not ILoopOperation loop)
            {
                continue;
            }

            if (IsDeclaredIn(local, loop.Body) || (loop is IForEachLoopOperation && loop.Locals.Contains(local, SymbolEqualityComparer.Default)))
            {
                // One variable per iteration: the body's own locals, foreach's iteration variable.
                return null;
            }

            if (Assigns(loop, local))
            {
                return loop;
            }
        }

        return null;
    }

    private static bool IsDeclaredIn(ILocalSymbol local, IOperation body)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == body.Syntax.SyntaxTree && body.Syntax.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A write of the local by the loop itself (header, condition, body), not by lambdas in it.</summary>
    private static bool Assigns(ILoopOperation loop, ILocalSymbol local)
    {
        var stack = new Stack<IOperation>();
        stack.Push(loop);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation is ILocalReferenceOperation reference &&
                SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsWrite(reference))
            {
                return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    stack.Push(child);
                }
            }
        }

        return false;
    }

    private static bool IsWrite(ILocalReferenceOperation reference)
    {
        IOperation current = reference;
        while (current.Parent is ITupleOperation or IConversionOperation { IsImplicit: true })
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target == current,
            ICompoundAssignmentOperation compound => compound.Target == current,
            ICoalesceAssignmentOperation coalesce => coalesce.Target == current,
            IIncrementOrDecrementOperation => true,
            IDeconstructionAssignmentOperation deconstruction => deconstruction.Target == current,
            IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
            _ => false,
        };
    }

    private static string LaunchName(IOperation launch) => launch switch
    {
        IObjectCreationOperation creation => "new " + creation.Type?.Name,
        IInvocationOperation invocation => invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name,
        _ => "thread",
    };
}
