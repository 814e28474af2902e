using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Model;

namespace ThreadWise.Analyzers.Rules;

/// <summary>TW0001: how a race is worded (the variable, the verb, the launches it names).</summary>
internal sealed partial class TW0001Concurrency
{
    private static string Display(StorageAccess access)
    {
        var target = access.Syntax switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.PostfixUnaryExpressionSyntax p => p.Operand,
            Microsoft.CodeAnalysis.CSharp.Syntax.PrefixUnaryExpressionSyntax p => p.Operand,
            Microsoft.CodeAnalysis.CSharp.Syntax.AssignmentExpressionSyntax a => a.Left,
            Microsoft.CodeAnalysis.CSharp.Syntax.ArgumentSyntax a => a.Expression,
            _ => access.Syntax,
        };
        var text = target.ToString();
        return text.Length <= 60 ? text : access.Path.Symbols[access.Path.Symbols.Length - 1].Name;
    }

    private static string Verb(ReadModifyWriteKind kind) => kind switch
    {
        ReadModifyWriteKind.Increment => "incremented",
        ReadModifyWriteKind.Decrement => "decremented",
        _ => "updated",
    };

    /// <summary>The first (in source order) of the launches that make <paramref name="entry"/>'s starter run many times at once.</summary>
    private static Entry FirstRepeater(Entry entry) => entry.RepeatedBy
        .OrderBy(e => e.Site.Site.SyntaxTree.FilePath, StringComparer.Ordinal)
        .ThenBy(e => e.Site.Site.SpanStart)
        .First();

    private static string MultiReason(Entry entry)
    {
        var site = entry.Site;
        if (!entry.OwnMulti)
        {
            // Repeated because the code that launches it runs many times at once: name that code's launch.
            var by = FirstRepeater(entry);
            return $"on {Describe(entry, plural: true)}, started again by {Describe(by, plural: false)} while earlier ones run";
        }

        if (entry.KindConcurrent && entry.Siblings.Count == 1)
        {
            var isTimer = site.Method is null || site.Method.MethodKind == MethodKind.Constructor || site.Method.Name.Contains("Register");
            return isTimer
                ? $"in {Describe(entry, plural: false)}, whose calls can overlap"
                : $"in {Describe(entry, plural: false)}, which runs on several threads at once";
        }

        return $"on {Describe(entry, plural: true)}, which run at the same time";
    }

    private static string Describe(Entry entry, bool plural)
    {
        var site = entry.Site;
        var lines = entry.Siblings.Select(s => s.Site.Line).Distinct().OrderBy(l => l).ToList();
        var at = lines.Count > 1 && plural
            ? $"at lines {string.Join(", ", lines.Take(lines.Count - 1))} and {lines[lines.Count - 1]}"
            : $"at line {site.Line}";
        return $"{Noun(site, plural)} {at}";
    }

    private static string Noun(LaunchSite site, bool plural)
    {
        var method = site.Method;
        if (method is null)
        {
            return "the timer callback";
        }

        var type = method.ContainingType.Name;
        var name = method.Name;
        return site.Kind switch
        {
            LaunchKind.ThreadConstructor => plural ? "the threads started" : "the thread started",
            LaunchKind.ColdTask => plural ? "the tasks started" : "the task started",
            _ when name == "ContinueWith" => plural ? "the continuations scheduled" : "the continuation scheduled",
            _ when type == "ThreadPool" && name.Contains("Register") => "the wait callback registered",
            _ when type == "ThreadPool" => plural ? "the work items queued" : "the work item queued",
            _ when type == "Parallel" => name == "Invoke" ? "the Parallel.Invoke action" : $"the Parallel.{name} body",
            _ when type == "ParallelEnumerable" => $"the parallel {name} delegate",
            _ when method.MethodKind == MethodKind.Constructor => "the timer callback",
            _ => plural ? "the tasks started" : "the task started",
        };
    }
}
