using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers;
using ThreadWise.Analyzers.Rules;
using ThreadWise.CodeFixes.Infrastructure;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0015: folds the check and the take into one atomic call whose result is the condition
/// (<c>if (q.TryDequeue(out var x))</c>, <c>while (bc.TryTake(out var x))</c>, <c>if (!s.TryPop(out var x)) return;</c>),
/// or turns add-if-absent into <c>TryAdd</c>. Offered only where the shape maps exactly.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0015CheckThenActOnConcurrentCollectionCodeFix))]
[Shared]
public sealed class TW0015CheckThenActOnConcurrentCollectionCodeFix : ThreadWiseCodeFixProvider
{
    public const string UseTryTakeKey = "TW0015.UseTryTake";
    public const string UseTryAddKey = "TW0015.UseTryAdd";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.CheckThenActOnConcurrentCollection);

    private protected override IEnumerable<FixOption> GetFixes(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        switch (Plan.TryCreate(scope, diagnostic, cancellationToken))
        {
            case TakePlan take:
                yield return new FixOption($"Use '{take.TryName}' and test its result", UseTryTakeKey);
                break;
            case AddPlan:
                yield return new FixOption("Use 'TryAdd'", UseTryAddKey);
                break;
        }
    }

    private protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<(Diagnostic Diagnostic, string EquivalenceKey)> fixes, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var scope = new FixScope(document, editor.OriginalRoot, editor.SemanticModel);
        foreach (var (diagnostic, _) in fixes)
        {
            switch (Plan.TryCreate(scope, diagnostic, cancellationToken))
            {
                case TakePlan take:
                    editor.ReplaceNode(take.Condition, (current, _) => take.NewCondition(current));
                    editor.RemoveNode(take.Act, SyntaxRemoveOptions.KeepNoTrivia);
                    if (take.Comments.Count > 0)
                    {
                        // The removed statement's comments now head the statement that followed it.
                        editor.ReplaceNode(take.Next, (current, _) => current.WithLeadingTrivia(MoveComments(take.Comments, current.GetLeadingTrivia(), take.Next)));
                    }

                    break;
                case AddPlan add:
                    editor.ReplaceNode(add.If, SyntaxFactory.ParseStatement(add.Call + ";").WithTriviaFrom(add.If));
                    break;
            }
        }

        return editor.GetChangedDocument();
    }

    private static SyntaxTriviaList MoveComments(IReadOnlyList<SyntaxTrivia> comments, SyntaxTriviaList leading, StatementSyntax next)
    {
        var indentation = StatementEditing.Indentation(next);
        var eol = next.GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } e ? e : SyntaxFactory.CarriageReturnLineFeed;
        var moved = new List<SyntaxTrivia>();
        foreach (var comment in comments)
        {
            moved.AddRange(indentation);
            moved.Add(comment);
            moved.Add(eol);
        }

        return SyntaxFactory.TriviaList(moved.Concat(leading));
    }

    private abstract record Plan
    {
        public static Plan? TryCreate(FixScope scope, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (!diagnostic.Properties.TryGetValue(TW0015CheckThenActOnConcurrentCollectionAnalyzer.ActProperty, out var act) ||
                scope.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax check)
            {
                return null;
            }

            // The condition must be the check alone, possibly negated.
            SyntaxNode node = check;
            var negated = false;
            while (node.Parent is ParenthesizedExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression })
            {
                negated ^= node.Parent is PrefixUnaryExpressionSyntax;
                node = node.Parent;
            }

            var (statement, condition) = node.Parent switch
            {
                IfStatementSyntax { Else: null } s when s.Condition == node => ((StatementSyntax)s, (ExpressionSyntax)node),
                WhileStatementSyntax s when s.Condition == node => (s, (ExpressionSyntax)node),
                _ => ((StatementSyntax?)null, (ExpressionSyntax?)null),
            };
            if (statement is null || condition is null || !TryPolarity(check, scope.Model, cancellationToken, out var presentWhenTrue))
            {
                return null;
            }

            presentWhenTrue ^= negated;
            return act == "IndexerWrite"
                ? AddPlan.TryCreate(statement, check, presentWhenTrue, scope.Model, cancellationToken)
                : TakePlan.TryCreate(statement, condition, CheckedCollection(check), presentWhenTrue, scope.Model, cancellationToken);
        }

        /// <summary>The collection a check asks, as written: <c>q</c> in <c>q.IsEmpty</c>, <c>q.Count &gt; 0</c>, <c>q.Any()</c>.</summary>
        private static string? CheckedCollection(ExpressionSyntax check)
        {
            var access = check switch
            {
                MemberAccessExpressionSyntax m => m,
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax m } => m,
                BinaryExpressionSyntax { Left: MemberAccessExpressionSyntax m } => m,
                BinaryExpressionSyntax { Right: MemberAccessExpressionSyntax m } => m,
                _ => null,
            };
            return access?.Expression.WithoutTrivia().ToString();
        }

        /// <summary>True in <paramref name="presentWhenTrue"/> when the check is true while there is an item (or the key).</summary>
        private static bool TryPolarity(ExpressionSyntax check, SemanticModel model, CancellationToken cancellationToken, out bool presentWhenTrue)
        {
            presentWhenTrue = false;
            switch (check)
            {
                case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "IsEmpty" }:
                    presentWhenTrue = false;
                    return true;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Any" or "ContainsKey" } }:
                    presentWhenTrue = true;
                    return true;
                case BinaryExpressionSyntax binary when model.GetOperation(binary, cancellationToken) is IBinaryOperation operation:
                    var countOnLeft = binary.Left is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Count" };
                    var constant = (countOnLeft ? operation.RightOperand : operation.LeftOperand).ConstantValue;
                    if (!constant.HasValue || constant.Value is not int bound)
                    {
                        return false;
                    }

                    var kind = operation.OperatorKind;
                    if (!countOnLeft)
                    {
                        kind = kind switch
                        {
                            BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                            BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                            BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                            BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                            _ => kind,
                        };
                    }

                    presentWhenTrue = bound == 0 ? kind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.NotEquals : kind == BinaryOperatorKind.GreaterThanOrEqual;
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>The take statement right after the check folds into the condition.</summary>
    private sealed record TakePlan(ExpressionSyntax Condition, StatementSyntax Act, StatementSyntax Next, string Call, string TryName, bool Leaves, IReadOnlyList<SyntaxTrivia> Comments) : Plan
    {
        public ExpressionSyntax NewCondition(SyntaxNode current)
        {
            var text = Leaves ? "!" + Call : Call;
            return SyntaxFactory.ParseExpression(text).WithTriviaFrom(current);
        }

        public static TakePlan? TryCreate(StatementSyntax statement, ExpressionSyntax condition, string? collection, bool presentWhenTrue, SemanticModel model, CancellationToken cancellationToken)
        {
            if (collection is null)
            {
                return null;
            }

            StatementSyntax? act;
            bool leaves;
            if (presentWhenTrue)
            {
                // if (!q.IsEmpty) { q.TryDequeue(out var x); … } / while (…) { … }
                var body = statement switch { IfStatementSyntax s => s.Statement, WhileStatementSyntax w => w.Statement, _ => null };
                act = body is BlockSyntax { Statements.Count: > 1 } block ? block.Statements[0] : null;
                leaves = false;
            }
            else
            {
                // if (q.IsEmpty) return; q.TryDequeue(out var x);
                act = statement is IfStatementSyntax { Statement: var whenTrue } && AlwaysLeaves(whenTrue) && statement.Parent is BlockSyntax parent && parent.Statements.IndexOf(statement) is var i && i + 1 < parent.Statements.Count
                    ? parent.Statements[i + 1]
                    : null;
                leaves = true;
            }

            var next = act?.Parent is BlockSyntax actBlock && actBlock.Statements.IndexOf(act) is var at && at + 1 < actBlock.Statements.Count
                ? actBlock.Statements[at + 1]
                : null;
            var comments = act?.GetLeadingTrivia().Concat(act.GetTrailingTrivia())
                .Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)).ToList();
            if (act is null || comments is null || (comments.Count > 0 && next is null) ||
                !TryCall(act, model, cancellationToken, out var call, out var tryName, out var declared) ||
                !call.StartsWith(collection + "." + tryName + "(", System.StringComparison.Ordinal))
            {
                return null;
            }

            // An 'out var' moved into an if's condition lives in the enclosing block: it must not meet another variable of that name.
            if (declared is not null && statement is IfStatementSyntax && !leaves &&
                !model.LookupSymbols(statement.SpanStart, name: declared).IsEmpty)
            {
                return null;
            }

            return new TakePlan(condition, act, next ?? act, call, tryName, leaves, comments);
        }

        private static bool AlwaysLeaves(StatementSyntax statement) => statement switch
        {
            BlockSyntax { Statements.Count: > 0 } block => AlwaysLeaves(block.Statements[block.Statements.Count - 1]),
            ReturnStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or ThrowStatementSyntax => true,
            _ => false,
        };

        /// <summary>The Try call that replaces the act: <c>q.TryDequeue(out var x)</c>, <c>bc.TryTake(out var x)</c>, <c>r.TryRead(out x)</c>.</summary>
        private static bool TryCall(StatementSyntax act, SemanticModel model, CancellationToken cancellationToken, out string call, out string tryName, out string? declared)
        {
            call = tryName = string.Empty;
            declared = null;
            switch (act)
            {
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } when IsTry(invocation, model, cancellationToken, out tryName):
                    call = invocation.WithoutTrivia().ToString();
                    declared = DeclaredOut(invocation);
                    return true;
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Right: InvocationExpressionSyntax invocation } }
                    when IsTry(invocation, model, cancellationToken, out tryName):
                    call = invocation.WithoutTrivia().ToString();
                    declared = DeclaredOut(invocation);
                    return true;
                case LocalDeclarationStatementSyntax { Declaration: { Variables.Count: 1 } declaration, UsingKeyword.RawKind: 0 }
                    when declaration.Variables[0].Initializer?.Value is { } value && Take(value, out var receiver, out tryName):
                    declared = declaration.Variables[0].Identifier.ValueText;
                    call = $"{receiver}.{tryName}(out {declaration.Type.WithoutTrivia()} {declared})";
                    return true;
                case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target, Right: { } value } }
                    when Take(value, out var receiver, out tryName):
                    call = $"{receiver}.{tryName}(out {target.Identifier.ValueText})";
                    return true;
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } when Take(invocation, out var receiver, out tryName):
                    call = $"{receiver}.{tryName}(out _)";
                    return true;
                default:
                    return false;
            }
        }

        private static bool IsTry(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken, out string name)
        {
            name = invocation.Expression is MemberAccessExpressionSyntax access ? access.Name.Identifier.ValueText : string.Empty;
            return name is "TryDequeue" or "TryPop" or "TryTake" or "TryRead" &&
                   model.GetOperation(invocation, cancellationToken) is IInvocationOperation { Instance: not null, Arguments.Length: 1 };
        }

        private static string? DeclaredOut(InvocationExpressionSyntax invocation) =>
            invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single }
                ? single.Identifier.ValueText
                : null;

        /// <summary><c>bc.Take()</c> or <c>await r.ReadAsync()</c> with no arguments: the receiver and the Try method that replaces it.</summary>
        private static bool Take(ExpressionSyntax value, out string receiver, out string tryName)
        {
            receiver = tryName = string.Empty;
            var awaited = value is AwaitExpressionSyntax await;
            var expression = awaited ? ((AwaitExpressionSyntax)value).Expression : value;
            if (expression is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax access })
            {
                return false;
            }

            (tryName, var ok) = (access.Name.Identifier.ValueText, awaited) switch
            {
                ("Take", false) => ("TryTake", true),
                ("ReadAsync", true) => ("TryRead", true),
                _ => (string.Empty, false),
            };
            receiver = access.Expression.WithoutTrivia().ToString();
            return ok;
        }
    }

    /// <summary><c>if (!d.ContainsKey(k)) d[k] = v;</c> with a side-effect-free <c>v</c>: <c>d.TryAdd(k, v);</c>.</summary>
    private sealed record AddPlan(IfStatementSyntax If, string Call) : Plan
    {
        public static AddPlan? TryCreate(StatementSyntax statement, ExpressionSyntax check, bool presentWhenTrue, SemanticModel model, CancellationToken cancellationToken)
        {
            if (presentWhenTrue || statement is not IfStatementSyntax { Else: null } ifStatement ||
                check is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ContainsKey" } access })
            {
                return null;
            }

            var body = ifStatement.Statement is BlockSyntax { Statements.Count: 1 } block ? block.Statements[0] : ifStatement.Statement;
            if (body is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment } ||
                ifStatement.Statement.DescendantTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)) ||
                model.GetOperation(assignment.Right, cancellationToken) is not { } value || !IsPlain(value))
            {
                return null;
            }

            var key = ((InvocationExpressionSyntax)check).ArgumentList.Arguments[0].Expression.WithoutTrivia();
            return new AddPlan(ifStatement, $"{access.Expression.WithoutTrivia()}.TryAdd({key}, {assignment.Right.WithoutTrivia()})");
        }

        /// <summary>Evaluating it once more (or earlier) changes nothing.</summary>
        private static bool IsPlain(IOperation value) => value switch
        {
            IConversionOperation { IsImplicit: true } conversion => IsPlain(conversion.Operand),
            _ when value.ConstantValue.HasValue => true,
            ILocalReferenceOperation or IParameterReferenceOperation => true,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } => true,
            _ => false,
        };
    }
}
