using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Flow;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>
/// TW0001: which of a body's launches may still be running at each of its writes ("between Start and Join"), run only
/// for bodies that launch something. A forward may-analysis over the body's control-flow graph: a launch (Task.Run,
/// Thread.Start, a timer) adds its bit; anything that waits (await, Join, Wait*, Result, GetResult) clears every bit —
/// conservative, so a write after any wait is never blamed on an earlier launch.
/// </summary>
internal static class TW0001LaunchFlow
{
    private static readonly HashSet<string> WaitNames = new()
    {
        "Join", "Wait", "WaitAll", "WaitAny", "WaitOne", "GetResult", "SignalAndWait", "RunSynchronously", "Dispose",
    };

    public static void Apply(OperationBlockAnalysisContext context, IOperation block, BodySummary root, List<BodySummary> bodies, ThreadingModel model, CancellationToken cancellationToken)
    {
        var top = block;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        if (top.Kind is not (OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.Block or
                OperationKind.FieldInitializer or OperationKind.PropertyInitializer))
        {
            return;
        }

        ControlFlowGraph? rootGraph = null;
        foreach (var body in bodies)
        {
            if (body.Launches.Count == 0)
            {
                continue;
            }

            if (body.Accesses.Count == 0 && body.Launches.Count == 1 && !body.Launches[0].InLoop && !IsThreadLike(body.Launches[0]))
            {
                // One launch and nothing written around it: only "is it waited for?" matters, read from the syntax.
                var only = body.Launches[0];
                only.LiveAtExit = !IsWaitedWhereLaunched(only.Site) && !IsSynchronous(only, model);
                only.FlowComputed = true;
                continue;
            }

            rootGraph ??= context.GetControlFlowGraph(block);
            var graph = body == root ? rootGraph : Find(rootGraph, body.Syntax, cancellationToken);
            if (graph is not null)
            {
                new Run(graph, body, model).Execute(cancellationToken);
            }
        }
    }

    private static ControlFlowGraph? Find(ControlFlowGraph root, SyntaxNode syntax, CancellationToken cancellationToken)
    {
        SyntaxNode? inner = syntax switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax lambda => lambda.Body,
            Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax function => (SyntaxNode?)function.Body ?? function.ExpressionBody,
            _ => null,
        };
        if (inner is null)
        {
            return null;
        }

        var graph = ControlFlowGraphs.FindGraphContaining(root, inner, cancellationToken);
        return graph.OriginalOperation.Syntax == syntax ? graph : null;
    }

    /// <summary><c>await Task.Run(...)</c>, <c>Task.Run(...).Wait()</c>, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c> (optionally through ConfigureAwait).</summary>
    private static bool IsWaitedWhereLaunched(SyntaxNode site)
    {
        var node = site;
        while (true)
        {
            var parent = node.Parent;
            switch (parent)
            {
                case Microsoft.CodeAnalysis.CSharp.Syntax.AwaitExpressionSyntax:
                    return true;
                case Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax:
                    node = parent;
                    continue;
                case Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax member when member.Expression == node:
                    var name = member.Name.Identifier.ValueText;
                    if (name is "Wait" or "Result" or "GetResult")
                    {
                        return true;
                    }

                    if (name is "ConfigureAwait" or "GetAwaiter" && member.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax call)
                    {
                        node = call;
                        continue;
                    }

                    return false;
                default:
                    return false;
            }
        }
    }

    private static bool IsThreadLike(LaunchSite site) => site.Kind is LaunchKind.ThreadConstructor or LaunchKind.ColdTask;

    private static bool IsSynchronous(LaunchSite site, ThreadingModel model)
    {
        var type = site.Method?.ContainingType;
        return (type.Is(model.Launches.Parallel) && !site.Method!.Name.EndsWith("Async", System.StringComparison.Ordinal)) ||
               type.Is(model.Launches.ParallelEnumerable);
    }

    private sealed class Run
    {
        private readonly ControlFlowGraph _graph;
        private readonly BodySummary _body;
        private readonly ThreadingModel _model;
        private readonly Dictionary<SyntaxNode, List<LaunchSite>> _sites = new();
        private readonly ulong _threadLike;
        private readonly HashSet<SyntaxNode> _accessSyntax = new();
        private Dictionary<SyntaxNode, ulong>? _masks;
        private bool _startSeen;

        public Run(ControlFlowGraph graph, BodySummary body, ThreadingModel model)
        {
            _graph = graph;
            _body = body;
            _model = model;
            foreach (var access in body.Accesses)
            {
                _accessSyntax.Add(access.Syntax);
            }

            foreach (var site in body.Launches)
            {
                if (!_sites.TryGetValue(site.Site, out var list))
                {
                    _sites[site.Site] = list = new List<LaunchSite>();
                }

                list.Add(site);
                if (IsThreadLike(site))
                {
                    _threadLike |= site.Bit;
                }
            }
        }

        public void Execute(CancellationToken cancellationToken)
        {
            var input = ForwardFlow.Run(_graph, 0UL, 0UL, static (a, b) => a | b, Transfer, static (a, b) => a == b, cancellationToken);

            _masks = new Dictionary<SyntaxNode, ulong>();
            foreach (var block in _graph.Blocks)
            {
                if (block.IsReachable)
                {
                    Transfer(block, input[block.Ordinal]);
                }
            }

            var exit = input[_graph.Blocks.Length - 1];
            foreach (var access in _body.Accesses)
            {
                access.LiveLaunches = _masks.TryGetValue(access.Syntax, out var mask) ? mask : 0;
            }

            foreach (var site in _body.Launches)
            {
                site.LiveAtExit = (IsThreadLike(site) && !_startSeen) || (exit & site.Bit) != 0;
                site.FlowComputed = !IsThreadLike(site) || _startSeen;
            }
        }

        private bool IsSynchronous(LaunchSite site) => TW0001LaunchFlow.IsSynchronous(site, _model);

        private ulong Transfer(BasicBlock block, ulong state)
        {
            foreach (var statement in ControlFlowGraphs.StatementsPostOrder(_graph, block))
            {
                foreach (var operation in statement)
                {
                    if (_masks is not null && _accessSyntax.Contains(operation.Syntax))
                    {
                        _masks[operation.Syntax] = (_masks.TryGetValue(operation.Syntax, out var m) ? m : 0) | state;
                    }

                    state = Effect(operation, state);
                }
            }

            return state;
        }

        private ulong Effect(IOperation operation, ulong state)
        {
            switch (operation)
            {
                case IAwaitOperation:
                    return 0;
                case IPropertyReferenceOperation property when property.Property.OriginalDefinition.Equals(_model.Tasks.Result, SymbolEqualityComparer.Default):
                    return 0;
                case IInvocationOperation or IObjectCreationOperation or IEventAssignmentOperation when _sites.TryGetValue(operation.Syntax, out var sites):
                    foreach (var site in sites)
                    {
                        if (IsThreadLike(site))
                        {
                            continue;
                        }

                        if (_masks is not null && site.Method?.Name != "ContinueWith")
                        {
                            site.LiveBefore |= state;
                        }

                        if (!IsSynchronous(site))
                        {
                            state |= site.Bit;
                        }
                    }

                    return state;
                case IInvocationOperation invocation when
                    _model.Threads.StartMethods.ContainsMethod(invocation.TargetMethod) || _model.Tasks.StartMethods.ContainsMethod(invocation.TargetMethod):
                    _startSeen = true;
                    if (_masks is not null)
                    {
                        foreach (var site in _body.Launches)
                        {
                            if (IsThreadLike(site))
                            {
                                site.LiveBefore |= state;
                            }
                        }
                    }

                    return state | _threadLike;
                case IInvocationOperation invocation when WaitNames.Contains(invocation.TargetMethod.Name):
                    return 0;
                default:
                    return state;
            }
        }
    }
}
