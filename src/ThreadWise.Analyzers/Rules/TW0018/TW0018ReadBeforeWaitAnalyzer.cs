using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0018: the code that started a thread or task reads storage the started lambda writes, after the start and before
/// any wait on some path: the value is partial or stale. A forward may-analysis over the starter's control-flow graph
/// (each body on its own: a lambda runs elsewhere): a start adds the work's bit, any wait (or a loop polling storage the
/// work writes) clears every bit. Live: one method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TW0018ReadBeforeWaitAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Set when the fix can move the read's statement: the start of the last wait statement it moves after.</summary>
    public const string MoveAfterProperty = "MoveAfter";

    /// <summary>With <see cref="MoveAfterProperty"/>: the start of the first wait statement (the moved statements end before it).</summary>
    public const string FirstWaitProperty = "FirstWait";

    internal static readonly DiagnosticDescriptor Rule = RuleDescriptors.Create(
        RuleIds.ReadBeforeWait,
        title: "Result read before the work that writes it is waited for",
        messageFormat: "'{0}' is read while {1} may still be writing it: nothing waits for it first (Join, Wait, await), so the value may be partial or stale",
        RuleCategories.Race,
        DiagnosticSeverity.Warning,
        description: "Starting a thread or task returns at once. A field or captured local the started code writes, read by the " +
                     "starter before a Join, Wait or await, shows nothing, part of the work or a stale value, differently from run " +
                     "to run: nothing orders the writes before the read. Wait for the work first, then read.");

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
            start.RegisterOperationBlockAction(c => Analyze(c, model, waits));
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, ThreadingModel model, BlockingWaits waits)
    {
        foreach (var block in context.OperationBlocks)
        {
            if (OperationTree.Root(block).Kind is not (OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.Block) ||
                !MentionsLaunch(block.Syntax, model) || !Launches(block, model, context.CancellationToken))
            {
                continue;
            }

            var root = context.GetControlFlowGraph(block);
            foreach (var graph in ControlFlowGraphs.SelfAndNested(root, context.CancellationToken))
            {
                var works = LaunchedWork.Find(graph, model, context.CancellationToken);
                if (works.Count > 0)
                {
                    new ReadFlow(graph, works, model, waits).Report(context, block);
                }
            }
        }
    }

    /// <summary>
    /// Cheapest first test, on syntax: the block creates (<c>new Thread(…)</c>, target-typed <c>new(…)</c>) or calls
    /// (<c>Task.Run(…)</c>) something named like a launching member. A <c>Task</c> return type or <c>await task</c> is no launch.
    /// </summary>
    private static bool MentionsLaunch(SyntaxNode syntax, ThreadingModel model)
    {
        var names = model.Launches.SyntaxNames;
        foreach (var node in syntax.DescendantNodes())
        {
            switch (node)
            {
                case ImplicitObjectCreationExpressionSyntax:
                    return true;
                case ObjectCreationExpressionSyntax { Type: var type } when names.Contains(LastName(type)):
                    return true;
                case InvocationExpressionSyntax { Expression: var callee } when names.Contains(LastName(callee)):
                    return true;
            }
        }

        return false;
    }

    private static string LastName(SyntaxNode node) => node switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => string.Empty,
    };

    /// <summary>Cheap second test, before any graph is built: the block hands a launching call a delegate that writes shared storage.</summary>
    private static bool Launches(IOperation block, ThreadingModel model, System.Threading.CancellationToken cancellationToken)
    {
        foreach (var operation in block.Descendants())
        {
            if (operation is IInvocationOperation or IObjectCreationOperation &&
                !(operation is IInvocationOperation call && model.Tasks.ContinueWithMethods.ContainsMethod(call.TargetMethod)) &&
                model.Launches.LaunchedDelegateValues(operation).Any(l => l.Kind != LaunchKind.ConcurrentWithItself && LaunchedWork.WritesShared(l.Value, model, cancellationToken)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The flow over one starter body, and the reads it finds.</summary>
    private sealed class ReadFlow
    {
        private readonly ControlFlowGraph _graph;
        private readonly List<LaunchedWork> _works;
        private readonly ThreadingModel _model;
        private readonly BlockingWaits _waits;
        private readonly Dictionary<SyntaxNode, LaunchedWork> _starts = new();
        private List<(IOperation Read, AccessPath Path, ulong Live)>? _reads;

        public ReadFlow(ControlFlowGraph graph, List<LaunchedWork> works, ThreadingModel model, BlockingWaits waits)
        {
            _graph = graph;
            _works = works;
            _model = model;
            _waits = waits;
            foreach (var work in works)
            {
                _starts[work.StartSyntax!] = work;
            }
        }

        public void Report(OperationBlockAnalysisContext context, IOperation block)
        {
            var input = ForwardFlow.Run(_graph, 0UL, 0UL, static (a, b) => a | b, Transfer, static (a, b) => a == b, context.CancellationToken);
            _reads = new List<(IOperation, AccessPath, ulong)>();
            foreach (var basicBlock in _graph.Blocks)
            {
                if (basicBlock.IsReachable)
                {
                    Transfer(basicBlock, input[basicBlock.Ordinal]);
                }
            }

            Dictionary<SyntaxNode, IOperation>? original = null;
            var reported = new HashSet<SyntaxNode>();
            foreach (var (read, path, live) in _reads)
            {
                var racing = _works.Where(w => (live & w.Bit) != 0 && w.Writes.ContainsKey(path)).ToList();
                if (racing.Count == 0 || !reported.Add(read.Syntax))
                {
                    continue;
                }

                original ??= Originals(block);
                var tree = original.TryGetValue(read.Syntax, out var o) ? o : null;
                if (tree is not null && ((SharedLock.Holds(tree, _model.Locks) && racing.All(w => w.Writes[path])) || InPollingLoop(tree, racing) || InHandlerOfAWait(tree)))
                {
                    continue;
                }

                var properties = ImmutableDictionary<string, string?>.Empty;
                if (tree is not null && ReadMove.WaitStatementsToMoveAfter(tree, racing, _model, _waits) is { } move)
                {
                    properties = properties
                        .Add(FirstWaitProperty, move.FirstWait.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .Add(MoveAfterProperty, move.LastWait.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                var first = racing.OrderBy(w => w.StartLine).First();
                var what = first.Launch switch
                {
                    IObjectCreationOperation creation => $"the {creation.Type?.Name.ToLowerInvariant() ?? "thread"} started on line {first.StartLine}",
                    IInvocationOperation invocation => $"the {invocation.TargetMethod.ContainingType.Name}.{invocation.TargetMethod.Name} work started on line {first.StartLine}",
                    _ => $"the work started on line {first.StartLine}",
                };
                context.ReportDiagnostic(Diagnostic.Create(Rule, read.Syntax.GetLocation(), properties, path.Display, what));
            }
        }

        /// <summary>
        /// <c>do { Show(_progress); Thread.Sleep(100); } while (!_done);</c>: a read in a loop whose condition polls
        /// storage the work writes is progress shown while waiting, not a result taken too early.
        /// </summary>
        private static bool InPollingLoop(IOperation read, List<LaunchedWork> racing)
        {
            for (var current = read.Parent; current is not null and not (IAnonymousFunctionOperation or ILocalFunctionOperation); current = current.Parent)
            {
                var condition = current switch
                {
                    IWhileLoopOperation loop => loop.Condition,
                    IForLoopOperation loop => loop.Condition,
                    _ => null,
                };
                if (condition is not null && condition.DescendantsAndSelf().Any(o => AccessPath.Create(o) is { } path && racing.Any(w => w.Writes.ContainsKey(path))))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>try { t.Wait(); } catch { Log(_state); }</c>: a catch or finally whose try waits may run because the wait
        /// threw (the work is over) or because something before it did; the rule cannot tell which, so it stays silent.
        /// </summary>
        private bool InHandlerOfAWait(IOperation read)
        {
            IOperation child = read;
            for (var current = read.Parent; current is not null and not (IAnonymousFunctionOperation or ILocalFunctionOperation); child = current, current = current.Parent)
            {
                if (current is ITryOperation @try && child != @try.Body && @try.Body.DescendantsAndSelf().Any(_waits.IsWait))
                {
                    return true;
                }
            }

            return false;
        }

        private static Dictionary<SyntaxNode, IOperation> Originals(IOperation block)
        {
            var map = new Dictionary<SyntaxNode, IOperation>();
            foreach (var operation in block.DescendantsAndSelf())
            {
                if (operation is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation &&
                    !map.ContainsKey(operation.Syntax))
                {
                    map[operation.Syntax] = operation;
                }
            }

            return map;
        }

        private ulong Transfer(BasicBlock block, ulong state)
        {
            foreach (var operations in ControlFlowGraphs.StatementsPostOrder(_graph, block))
            {
                // The last operation in post-order is the statement itself.
                var statement = operations[operations.Length - 1];
                var poll = statement == block.BranchValue && IsLoopCondition(statement.Syntax) && ReadsWritten(statement, state);
                foreach (var operation in operations)
                {
                    if (state != 0 && !poll && _reads is not null && IsRead(operation) && AccessPath.Create(operation) is { } path)
                    {
                        _reads.Add((operation, path, state));
                    }

                    if (_waits.IsWait(operation))
                    {
                        state = state == 0 ? 0 : AfterWait(operation, state);
                    }
                    else if (_starts.TryGetValue(operation.Syntax, out var work) && operation is IInvocationOperation or IObjectCreationOperation)
                    {
                        state |= work.Bit;
                    }
                }

                if (poll)
                {
                    // while (!_done) Thread.Sleep(10): the loop is the wait.
                    state = 0;
                }
            }

            return state;
        }

        /// <summary>
        /// A wait on known threads or tasks (<c>t1.Join()</c>) ends only the works stored in them; any other wait (an
        /// event, a semaphore, a task this body did not start) may be the hand-off of any work, and ends them all.
        /// </summary>
        private ulong AfterWait(IOperation wait, ulong state)
        {
            var handles = ReadMove.HandlesOf(wait, _model, _waits);
            if (handles.Count == 0)
            {
                return 0;
            }

            foreach (var handle in handles)
            {
                var matched = false;
                foreach (var work in _works)
                {
                    if (work.Handle is { } path && path.Equals(handle))
                    {
                        state &= ~work.Bit;
                        matched = true;
                    }
                }

                if (!matched)
                {
                    return 0;
                }
            }

            return state;
        }

        private bool ReadsWritten(IOperation condition, ulong state)
        {
            foreach (var operation in ControlFlowGraphs.SelfAndDescendantsPostOrder(condition))
            {
                if (AccessPath.Create(operation) is { } path && _works.Any(w => (state & w.Bit) != 0 && w.Writes.ContainsKey(path)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The condition (or a part of it) of a <c>while</c>, <c>do</c> or <c>for</c> loop.</summary>
        private static bool IsLoopCondition(SyntaxNode syntax)
        {
            var node = syntax;
            while (node.Parent is ParenthesizedExpressionSyntax or PrefixUnaryExpressionSyntax or BinaryExpressionSyntax)
            {
                node = node.Parent;
            }

            return node.Parent switch
            {
                WhileStatementSyntax w => w.Condition == node,
                DoStatementSyntax d => d.Condition == node,
                ForStatementSyntax f => f.Condition == node,
                _ => false,
            };
        }

        /// <summary>
        /// A plain read of a value: not a write target, not a <c>ref</c>/<c>out</c> argument (<c>Volatile.Read</c>,
        /// <c>Interlocked</c>), not a <c>volatile</c> field, not the thread or task handle being started or waited on,
        /// not a value handed to the work, and not the target of the starter's own compound update.
        /// </summary>
        private bool IsRead(IOperation operation)
        {
            if (operation is not (ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation) ||
                operation is IFieldReferenceOperation { Field.IsVolatile: true })
            {
                return false;
            }

            var (child, user) = OperationTree.User(operation);
            return user switch
            {
                IAssignmentOperation assignment => assignment.Target != child && !(assignment is ICompoundAssignmentOperation),
                IIncrementOrDecrementOperation => false,
                IArgumentOperation argument => argument.Parameter?.RefKind is null or RefKind.None && !IsHandOver(argument.Parent),
                IInvocationOperation invocation when invocation.Instance == child => !IsHandOver(invocation),
                IAwaitOperation => false,
                _ => !IsHandleUse(user),
            };
        }

        /// <summary>A call that starts, launches or waits: its receiver and arguments are handles or state for the work.</summary>
        private bool IsHandOver(IOperation? call) =>
            call is not null && (_waits.IsWait(call) || _starts.ContainsKey(call.Syntax) ||
                                 (call is IInvocationOperation i && (_model.Tasks.WhenAllMethods.ContainsMethod(i.TargetMethod) ||
                                                                     _model.Threads.StartMethods.ContainsMethod(i.TargetMethod) ||
                                                                     _model.Tasks.StartMethods.ContainsMethod(i.TargetMethod))) ||
                                 _model.Launches.LaunchedDelegateValues(call).Any());

        /// <summary>An element of <c>Task.WaitAll(a, b)</c> / <c>WhenAll</c> (a params array or span), or the receiver of <c>.Result</c>.</summary>
        private bool IsHandleUse(IOperation? user)
        {
            for (var current = user; current is not null; current = current.Parent)
            {
                switch (current)
                {
                    case IArgumentOperation argument:
                        return IsHandOver(argument.Parent);
                    case IPropertyReferenceOperation property when _waits.IsWait(property):
                        return true;
                    case IArrayInitializerOperation or IArrayCreationOperation or IConversionOperation:
                        continue;
                    case { IsImplicit: true, Parent: IArgumentOperation }:
                        // The collection the compiler builds for a params argument (a ReadOnlySpan since C# 13:
                        // Task.WaitAll(t) on .NET 9+), which Roslyn 4.8 has no interface for.
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }
    }
}
