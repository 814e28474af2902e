using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers.Model;
using ThreadWise.Analyzers.Rules;

namespace ThreadWise.Analyzers.Flow;

/// <summary>
/// TW0007's "break leaves only the switch" shape: a <c>switch</c> section inside a loop completes a collection and then
/// <c>break</c>s (or <c>continue</c>s), as if that ended the loop; the loop goes on, and an add of the same collection
/// in the loop runs after the completion (<c>case "stop": ch.Writer.Complete(); break; default: await ch.Writer.WriteAsync(x); break;</c>).
/// Not reported when the section also changes what the loop's condition reads (a <c>done</c> flag), when the loop's
/// condition or the add checks the collection's state, or when the section reassigns the collection.
/// </summary>
internal static class SwitchBreakCompletions
{
    public static void Report(IOperation body, CompletionApi api, ISet<Location> alreadyReported, Action<Diagnostic> report)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is not ISwitchOperation @switch || EnclosingLoop(@switch) is not { } loop)
            {
                continue;
            }

            foreach (var section in @switch.Cases)
            {
                CheckSection(section, @switch, loop, api, alreadyReported, report);
            }
        }
    }

    private static void CheckSection(
        ISwitchCaseOperation section, ISwitchOperation @switch, ILoopOperation loop, CompletionApi api,
        ISet<Location> alreadyReported, Action<Diagnostic> report)
    {
        var statements = section.Body;
        if (statements.IsEmpty || statements[statements.Length - 1] is not IBranchOperation last ||
            !(IsTo(last, BranchKind.Break, @switch.ExitLabel) || IsTo(last, BranchKind.Continue, loop.ContinueLabel)))
        {
            return;
        }

        for (var i = 0; i < statements.Length - 1; i++)
        {
            if (statements[i] is not IExpressionStatementOperation { Operation: IInvocationOperation completion } ||
                api.Classify(completion, out var subject) != CompletionRole.Complete || !api.TryGetKey(subject, out var key) ||
                ChangesLoopState(statements, i, @switch, loop, key, api))
            {
                continue;
            }

            foreach (var add in Adds(loop.Body, key, api))
            {
                var location = add.Syntax.GetLocation();
                if (add.Syntax.SpanStart > completion.Syntax.SpanStart && add.Syntax.SpanStart < last.Syntax.SpanStart)
                {
                    // After the completion in the same section: the every-path check reports it.
                    continue;
                }

                if (alreadyReported.Contains(location) || IsGuardedByState(add, loop, key, api))
                {
                    continue;
                }

                var line = completion.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                var jump = last.BranchKind == BranchKind.Break ? "'break' there leaves only the switch" : "'continue' there goes on with the loop";
                report(Diagnostic.Create(
                    TW0007WaitBeforeCompletionAnalyzer.Rule,
                    location,
                    properties: ImmutableDictionary<string, string?>.Empty.Add(TW0007WaitBeforeCompletionAnalyzer.KindProperty, TW0007WaitBeforeCompletionAnalyzer.AddKind),
                    $"'{add.TargetMethod.Name}' on '{key.Display}' can run after '{completion.Syntax}' (line {line}): the {jump}, and the loop comes back to it; {CompletionFlow.AddConsequence(add, api)}"));
                alreadyReported.Add(location);
            }

            return;
        }
    }

    private static bool IsTo(IBranchOperation branch, BranchKind kind, ILabelSymbol? target) =>
        branch.BranchKind == kind && SymbolEqualityComparer.Default.Equals(branch.Target, target);

    /// <summary>The nearest loop around the switch in the same body (not across a lambda or a local function).</summary>
    private static ILoopOperation? EnclosingLoop(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ILoopOperation loop:
                    return loop;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// True when the section, from the completion on, writes something the loop's condition reads, or reassigns the
    /// collection; when the loop's condition reads the collection; or when the switch tests what the condition reads
    /// (<c>for (…; i &lt; 3; …) switch (i) { case 2: …</c>: the section runs at one iteration, maybe the last).
    /// </summary>
    private static bool ChangesLoopState(
        ImmutableArray<IOperation> statements, int from, ISwitchOperation @switch, ILoopOperation loop, AccessPath key, CompletionApi api)
    {
        var condition = loop switch
        {
            IWhileLoopOperation whileLoop => whileLoop.Condition,
            IForLoopOperation forLoop => forLoop.Condition,
            _ => null,
        };
        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        if (condition is not null)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                if (AccessPath.TryCreate(operation, out var path))
                {
                    read.Add(path.Root);
                    if (api.TryGetKey(operation, out var tested) && tested.Equals(key))
                    {
                        return true;
                    }
                }
            }
        }

        foreach (var operation in @switch.Value.DescendantsAndSelf())
        {
            if (AccessPath.TryCreate(operation, out var switched) && read.Contains(switched.Root))
            {
                return true;
            }
        }

        for (var i = from; i < statements.Length; i++)
        {
            foreach (var operation in statements[i].DescendantsAndSelf())
            {
                var target = operation switch
                {
                    ISimpleAssignmentOperation assignment => assignment.Target,
                    ICompoundAssignmentOperation compound => compound.Target,
                    IIncrementOrDecrementOperation step => step.Target,
                    _ => null,
                };
                if (target is not null && AccessPath.TryCreate(target, out var written) &&
                    (read.Contains(written.Root) || key.StartsWith(written)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IEnumerable<IInvocationOperation> Adds(IOperation loopBody, AccessPath key, CompletionApi api)
    {
        foreach (var operation in ConsumerLoops.Descendants(loopBody))
        {
            if (operation is IInvocationOperation call && api.Classify(call, out var subject) == CompletionRole.Add &&
                api.TryGetKey(subject, out var added) && added.Equals(key))
            {
                yield return call;
            }
        }
    }

    /// <summary>An add under a test of the collection itself (<c>if (!q.IsAddingCompleted) q.Add(x);</c>) knows about the completion.</summary>
    private static bool IsGuardedByState(IOperation add, ILoopOperation loop, AccessPath key, CompletionApi api)
    {
        for (var current = add.Parent; current is not null && current != loop; current = current.Parent)
        {
            if (current is IConditionalOperation conditional)
            {
                foreach (var operation in conditional.Condition.DescendantsAndSelf())
                {
                    if (operation is IPropertyReferenceOperation { Instance: { } instance } && api.TryGetKey(instance, out var tested) && tested.Equals(key))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
