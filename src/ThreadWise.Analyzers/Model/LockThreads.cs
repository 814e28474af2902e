using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ThreadWise.Analyzers.Model;

/// <summary>
/// Which threads may run each summarized body, for TW0004 ("a cycle is a deadlock only if two threads can hold its
/// two orders at once"). A body runs either on one dedicated thread — the thread a constructor starts on it (one per
/// instance; one per program from a static constructor), when nothing else can call it — or on any thread: anything
/// callable from outside its type (every non-private member, overrides, interface implementations, finalizers),
/// anything turned into a delegate other than that launch, anything run by a pool, timer or parallel loop, and
/// anything whose callers are unknown. A call runs the callee on the caller's thread; a call on another instance runs
/// it with that instance's locks, which are not the thread's own (<see cref="MayRunOnAnotherInstance"/>).
/// One propagation over the call edges, each body's value rising at most three times: linear.
/// </summary>
internal sealed class LockThreads
{
    private readonly Dictionary<IMethodSymbol, LockLaunch?> _single = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _foreign = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IMethodSymbol> _any = new(SymbolEqualityComparer.Default);

    public LockThreads(IReadOnlyList<MethodLockSummary> summaries)
    {
        var calls = new Dictionary<IMethodSymbol, List<LockCallSite>>(SymbolEqualityComparer.Default);
        var work = new Queue<IMethodSymbol>();
        foreach (var summary in summaries)
        {
            if (!calls.TryGetValue(summary.Method, out var list))
            {
                calls[summary.Method] = list = new List<LockCallSite>();
            }

            list.AddRange(summary.Calls);
            if (IsEntryPoint(summary.Method))
            {
                Join(summary.Method, null, foreign: false, work);
            }

            foreach (var launch in summary.Launches)
            {
                Join(launch.Target, launch.Once ? launch : null, foreign: false, work);
            }

            foreach (var escaped in summary.Escapes)
            {
                Join(escaped, null, foreign: false, work);
            }
        }

        while (work.Count > 0)
        {
            var method = work.Dequeue();
            if (!calls.TryGetValue(method, out var sites))
            {
                continue;
            }

            var launch = _any.Contains(method) ? null : _single[method];
            var foreign = _foreign.Contains(method);
            foreach (var call in sites)
            {
                if (call.DelegateSlot is null)
                {
                    // A call runs the callee on the caller's thread; on another instance, with that instance's locks.
                    Join(call.Callee, launch, foreign || call.ReceiverKind is not (LockRootKind.This or LockRootKind.Static), work);
                }
            }
        }
    }

    /// <summary>
    /// The dedicated thread that alone runs <paramref name="method"/>, or null when any thread may (including bodies
    /// nothing is known to call: dead code is not evidence of anything).
    /// </summary>
    public LockLaunch? OnlyThread(IMethodSymbol method) =>
        !_any.Contains(method) && _single.TryGetValue(method, out var launch) ? launch : null;

    /// <summary>
    /// True when <paramref name="method"/> may run on another instance than the one that started its thread (it is
    /// reached through a call on another object): its <c>this</c> locks are not that thread's own.
    /// </summary>
    public bool MayRunOnAnotherInstance(IMethodSymbol method) => _foreign.Contains(method);

    private void Join(IMethodSymbol method, LockLaunch? launch, bool foreign, Queue<IMethodSymbol> work)
    {
        if (_any.Contains(method))
        {
            return;
        }

        if (launch is not null && !_single.ContainsKey(method))
        {
            _single[method] = launch;
            if (foreign)
            {
                _foreign.Add(method);
            }

            work.Enqueue(method);
        }
        else if (launch is null || _single[method] != launch)
        {
            _any.Add(method);
            work.Enqueue(method);
        }
        else if (foreign && _foreign.Add(method))
        {
            work.Enqueue(method);
        }
    }

    private static bool IsEntryPoint(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.AnonymousFunction or MethodKind.LocalFunction => false,
        MethodKind.Destructor => true,
        _ => method.DeclaredAccessibility != Accessibility.Private || method.IsOverride || method.IsVirtual || method.IsAbstract ||
             !method.ExplicitInterfaceImplementations.IsEmpty ||
             method.AssociatedSymbol is IPropertySymbol { DeclaredAccessibility: not Accessibility.Private } or IEventSymbol,
    };
}
