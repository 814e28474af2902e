using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ThreadWise.Analyzers;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Rules;

/// <summary>
/// TW0001: <c>x++</c>/<c>x--</c>/<c>x += n</c>/<c>x -= n</c> on an <c>int</c> or <c>long</c> (and the unsigned types
/// <c>Interlocked</c> supports on the target framework) that can be passed by <c>ref</c> becomes
/// <c>Interlocked.Increment/Decrement/Add</c>; anything else (double, decimal, properties, <c>x = x + n</c>) is wrapped
/// in <c>lock</c> on a dedicated <c>readonly object</c> the fix adds to the type — one per type and staticness, shared
/// by every site Fix All touches in the document.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TW0001UnsynchronizedReadModifyWriteCodeFix))]
[Shared]
public sealed class TW0001UnsynchronizedReadModifyWriteCodeFix : CodeFixProvider
{
    public const string UseInterlockedKey = "TW0001.UseInterlocked";
    public const string WrapInLockKey = "TW0001.WrapInLock";

    private const string InstanceLockName = "_sync";
    private const string StaticLockName = "s_sync";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(RuleIds.UnsynchronizedReadModifyWrite);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(static async (context, document, diagnostics) =>
            await ApplyAsync(document, diagnostics, context.CodeActionEquivalenceKey, context.CancellationToken).ConfigureAwait(false));

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var site = FindSite(root, diagnostic);
            if (site is null)
            {
                continue;
            }

            if (InterlockedPlan.TryCreate(model, site, context.CancellationToken) is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use Interlocked",
                        ct => ApplyAsync(context.Document, new[] { diagnostic }, UseInterlockedKey, ct),
                        UseInterlockedKey),
                    diagnostic);
            }
            else if (LockPlan.TryCreate(model, site, context.CancellationToken) is { } plan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Wrap in lock ({(plan.IsStatic ? StaticLockName : InstanceLockName)})",
                        ct => ApplyAsync(context.Document, new[] { diagnostic }, WrapInLockKey, ct),
                        WrapInLockKey),
                    diagnostic);
            }
        }
    }

    private static ExpressionSyntax? FindSite(SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return node?.FirstAncestorOrSelf<ExpressionSyntax>(e => e.Span == diagnostic.Location.SourceSpan &&
            e is PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax or AssignmentExpressionSyntax);
    }

    private static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, string? key, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        var root = editor.OriginalRoot;
        var model = editor.SemanticModel;
        var needsUsing = false;
        var locks = new Dictionary<(TypeDeclarationSyntax Type, bool IsStatic), string>();
        var wrapped = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var site = FindSite(root, diagnostic);
            if (site is null)
            {
                continue;
            }

            if (key == UseInterlockedKey)
            {
                var plan = InterlockedPlan.TryCreate(model, site, cancellationToken);
                if (plan is not null)
                {
                    needsUsing |= !plan.InterlockedInScope;
                    editor.ReplaceNode(site, plan.Replacement.WithTriviaFrom(site));
                }
            }
            else if (key == WrapInLockKey)
            {
                var plan = LockPlan.TryCreate(model, site, cancellationToken);
                if (plan is null || !wrapped.Add(plan.Unit))
                {
                    continue;
                }

                if (!locks.TryGetValue((plan.Type, plan.IsStatic), out var name))
                {
                    name = ChooseLockName(model, plan.Type, plan.IsStatic, cancellationToken, out var exists);
                    locks[(plan.Type, plan.IsStatic)] = name;
                    if (!exists)
                    {
                        AddLockField(editor, plan.Type, name, plan.IsStatic);
                    }
                }

                plan.Apply(editor, name);
            }
        }

        if (needsUsing && editor.OriginalRoot is CompilationUnitSyntax unit)
        {
            editor.ReplaceNode(unit, (current, _) => AddThreadingUsing((CompilationUnitSyntax)current, NewLine(unit)));
        }

        return editor.GetChangedDocument();
    }

    /// <summary>The document's line break (the first one in it), so inserted lines match the file.</summary>
    private static SyntaxTrivia NewLine(SyntaxNode node)
    {
        foreach (var trivia in node.SyntaxTree.GetRoot().DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return ElasticCarriageReturnLineFeed;
    }

    private static CompilationUnitSyntax AddThreadingUsing(CompilationUnitSyntax unit, SyntaxTrivia newLine)
    {
        const string name = "System.Threading";
        if (unit.Usings.Any(u => u.Name?.ToString() == name))
        {
            return unit;
        }

        var directive = UsingDirective(ParseName(name)).WithTrailingTrivia(newLine);
        var index = 0;
        while (index < unit.Usings.Count && unit.Usings[index].Alias is null && unit.Usings[index].StaticKeyword.IsKind(SyntaxKind.None) &&
               string.CompareOrdinal(unit.Usings[index].Name?.ToString(), name) < 0)
        {
            index++;
        }

        return unit.WithUsings(unit.Usings.Insert(index, directive));
    }

    /// <summary>The dedicated lock's name: an existing <c>readonly object</c>/<c>Lock</c> field of that name and staticness is reused.</summary>
    private static string ChooseLockName(SemanticModel model, TypeDeclarationSyntax type, bool isStatic, CancellationToken cancellationToken, out bool exists)
    {
        var baseName = isStatic ? StaticLockName : InstanceLockName;
        var symbol = model.GetDeclaredSymbol(type, cancellationToken);
        var lockType = model.Compilation.GetTypeByMetadataName("System.Threading.Lock");
        for (var i = 1; ; i++)
        {
            var name = i == 1 ? baseName : baseName + i;
            var member = symbol?.GetMembers(name).FirstOrDefault();
            if (member is null)
            {
                exists = false;
                return name;
            }

            if (member is IFieldSymbol { IsReadOnly: true } field && field.IsStatic == isStatic &&
                (field.Type.SpecialType == SpecialType.System_Object || SymbolEqualityComparer.Default.Equals(field.Type, lockType)))
            {
                exists = true;
                return name;
            }
        }
    }

    private static void AddLockField(DocumentEditor editor, TypeDeclarationSyntax type, string name, bool isStatic)
    {
        var modifiers = TokenList(Token(SyntaxKind.PrivateKeyword));
        if (isStatic)
        {
            modifiers = modifiers.Add(Token(SyntaxKind.StaticKeyword));
        }

        modifiers = modifiers.Add(Token(SyntaxKind.ReadOnlyKeyword));
        var field = FieldDeclaration(
                VariableDeclaration(PredefinedType(Token(SyntaxKind.ObjectKeyword)))
                    .AddVariables(VariableDeclarator(name).WithInitializer(EqualsValueClause(
                        ObjectCreationExpression(PredefinedType(Token(SyntaxKind.ObjectKeyword))).WithArgumentList(ArgumentList())))))
            .WithModifiers(modifiers)
            .WithAdditionalAnnotations(Formatter.Annotation);

        // After the last field of the type (or first, when it has none).
        var lastField = type.Members.LastOrDefault(m => m is FieldDeclarationSyntax);
        if (lastField is not null)
        {
            editor.InsertAfter(lastField, field);
        }
        else if (type.Members.Count > 0)
        {
            editor.InsertBefore(type.Members[0], field.WithTrailingTrivia(ElasticCarriageReturnLineFeed, ElasticCarriageReturnLineFeed));
        }
        else
        {
            editor.AddMember(type, field);
        }
    }

    /// <summary><c>Interlocked.Increment(ref x)</c> and friends, when they keep the meaning of the expression.</summary>
    private sealed class InterlockedPlan
    {
        private InterlockedPlan(ExpressionSyntax replacement, bool inScope)
        {
            Replacement = replacement;
            InterlockedInScope = inScope;
        }

        public ExpressionSyntax Replacement { get; }

        public bool InterlockedInScope { get; }

        public static InterlockedPlan? TryCreate(SemanticModel model, ExpressionSyntax site, CancellationToken cancellationToken)
        {
            var interlocked = model.Compilation.GetTypeByMetadataName("System.Threading.Interlocked");
            var operation = model.GetOperation(site, cancellationToken);
            if (interlocked is null || operation is null)
            {
                return null;
            }

            string method;
            ExpressionSyntax target;
            ExpressionSyntax? amount = null;
            var negate = false;
            var adjust = 0; // what to add to the result so a postfix x++/x-- keeps its value
            switch (operation)
            {
                case IIncrementOrDecrementOperation { IsChecked: false } step:
                    method = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                    target = site is PostfixUnaryExpressionSyntax post ? post.Operand : ((PrefixUnaryExpressionSyntax)site).Operand;
                    if (step.IsPostfix && IsValueUsed(site))
                    {
                        adjust = step.Kind == OperationKind.Increment ? -1 : 1;
                    }

                    break;
                case ICompoundAssignmentOperation { IsChecked: false, OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound
                    when site is AssignmentExpressionSyntax assignment && compound.InConversion.Exists && compound.InConversion.IsIdentity &&
                         compound.OutConversion.IsIdentity && compound.OperatorMethod is null:
                    method = "Add";
                    target = assignment.Left;
                    amount = assignment.Right;
                    negate = compound.OperatorKind == BinaryOperatorKind.Subtract;
                    break;
                default:
                    return null;
            }

            var targetOperation = model.GetOperation(target, cancellationToken);
            var type = targetOperation?.Type;
            if (targetOperation is not (IFieldReferenceOperation or IArrayElementReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation) ||
                type is null || !HasOverload(interlocked, method, type))
            {
                return null;
            }

            var unsigned = type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64;
            if (!unsigned && type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64))
            {
                return null;
            }

            if (unsigned && (negate || adjust != 0))
            {
                return null;
            }

            var inScope = model.LookupNamespacesAndTypes(site.SpanStart, name: "Interlocked")
                .Any(s => SymbolEqualityComparer.Default.Equals(s, interlocked));
            var arguments = new List<ArgumentSyntax>
            {
                Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)),
            };
            if (amount is not null)
            {
                var value = amount.WithoutTrivia();
                if (negate)
                {
                    value = PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, NeedsParentheses(value) ? ParenthesizedExpression(value) : value);
                }

                arguments.Add(Argument(value));
            }

            ExpressionSyntax call = InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName("Interlocked"), IdentifierName(method)),
                ArgumentList(SeparatedList(arguments)));
            if (adjust != 0)
            {
                call = ParenthesizedExpression(BinaryExpression(
                    adjust < 0 ? SyntaxKind.SubtractExpression : SyntaxKind.AddExpression,
                    call,
                    LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1))));
            }

            return new InterlockedPlan(call, inScope);
        }

        private static bool NeedsParentheses(ExpressionSyntax value) =>
            value is not (IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or
                ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax);

        private static bool HasOverload(INamedTypeSymbol interlocked, string name, ITypeSymbol type)
        {
            foreach (var member in interlocked.GetMembers(name))
            {
                if (member is IMethodSymbol { IsGenericMethod: false, Parameters.Length: > 0 } m &&
                    m.Parameters[0].RefKind == RefKind.Ref &&
                    SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, type))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsValueUsed(ExpressionSyntax site)
        {
            var parent = site.Parent;
            while (parent is ParenthesizedExpressionSyntax)
            {
                parent = parent.Parent;
            }

            return parent switch
            {
                ExpressionStatementSyntax => false,
                ForStatementSyntax f => !f.Incrementors.Any(i => i.Span.Contains(site.Span)),
                _ => true,
            };
        }
    }

    /// <summary>Wraps the statement (or the expression body) holding the update in <c>lock (name) { … }</c>.</summary>
    private sealed class LockPlan
    {
        private LockPlan(SyntaxNode unit, TypeDeclarationSyntax type, bool isStatic)
        {
            Unit = unit;
            Type = type;
            IsStatic = isStatic;
        }

        /// <summary>An expression statement, an expression-bodied member's arrow clause, or a void lambda's expression body.</summary>
        public SyntaxNode Unit { get; }

        public TypeDeclarationSyntax Type { get; }

        public bool IsStatic { get; }

        public static LockPlan? TryCreate(SemanticModel model, ExpressionSyntax site, CancellationToken cancellationToken)
        {
            var type = site.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (type is not (ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)SyntaxKind.StructKeyword }))
            {
                return null;
            }

            SyntaxNode? unit = site.Parent switch
            {
                ExpressionStatementSyntax statement when statement.Parent is BlockSyntax or SwitchSectionSyntax => statement,
                ArrowExpressionClauseSyntax arrow when arrow.Parent is MethodDeclarationSyntax { ReturnType: PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword } }
                    or LocalFunctionStatementSyntax { ReturnType: PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.VoidKeyword } } => arrow,
                AnonymousFunctionExpressionSyntax lambda when lambda.ExpressionBody == site &&
                    model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true } => lambda,
                _ => null,
            };
            if (unit is null)
            {
                return null;
            }

            var operation = model.GetOperation(site, cancellationToken);
            var target = operation switch
            {
                IIncrementOrDecrementOperation i => i.Target,
                IAssignmentOperation a => a.Target,
                _ => null,
            };
            var member = model.GetEnclosingSymbol(site.SpanStart, cancellationToken);
            while (member is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                member = member.ContainingSymbol;
            }

            if (target is null || member is null || member.ContainingType is null)
            {
                return null;
            }

            var rootSymbol = RootSymbol(target);
            var isStatic = member.IsStatic || member.ContainingType.IsStatic ||
                           rootSymbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true };
            return new LockPlan(unit, type, isStatic);
        }

        private static ISymbol? RootSymbol(IOperation target)
        {
            var current = target;
            while (true)
            {
                switch (current)
                {
                    case IArrayElementReferenceOperation element:
                        current = element.ArrayReference;
                        break;
                    case IMemberReferenceOperation { Instance: { } instance } and not { Instance: IInstanceReferenceOperation }:
                        current = instance;
                        break;
                    case IMemberReferenceOperation member:
                        return member.Member;
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter;
                    case IConversionOperation conversion:
                        current = conversion.Operand;
                        break;
                    default:
                        return null;
                }
            }
        }

        public void Apply(DocumentEditor editor, string lockName)
        {
            switch (Unit)
            {
                case ExpressionStatementSyntax statement:
                    editor.ReplaceNode(statement, (current, _) => Wrap((StatementSyntax)current, lockName).WithTrailingTrivia(NewLine(statement)));
                    break;
                case ArrowExpressionClauseSyntax arrow:
                    editor.ReplaceNode(arrow.Parent!, (current, _) => current switch
                    {
                        MethodDeclarationSyntax m when m.ExpressionBody is { } body => m
                            .WithExpressionBody(null).WithSemicolonToken(default)
                            .WithBody(Block(Wrap(ExpressionStatement(body.Expression.WithoutTrivia()), lockName)))
                            .WithTrailingTrivia(m.SemicolonToken.TrailingTrivia)
                            .WithAdditionalAnnotations(Formatter.Annotation),
                        LocalFunctionStatementSyntax f when f.ExpressionBody is { } body => f
                            .WithExpressionBody(null).WithSemicolonToken(default)
                            .WithBody(Block(Wrap(ExpressionStatement(body.Expression.WithoutTrivia()), lockName)))
                            .WithTrailingTrivia(f.SemicolonToken.TrailingTrivia)
                            .WithAdditionalAnnotations(Formatter.Annotation),
                        _ => current,
                    });
                    break;
                case AnonymousFunctionExpressionSyntax lambda:
                    editor.ReplaceNode(lambda, (current, _) =>
                    {
                        var l = (AnonymousFunctionExpressionSyntax)current;
                        if (l.ExpressionBody is not { } body)
                        {
                            return current;
                        }

                        var block = Block(Wrap(ExpressionStatement(body.WithoutTrivia()), lockName)).WithTrailingTrivia(body.GetTrailingTrivia());
                        return l.WithExpressionBody(null).WithBlock(block).WithAdditionalAnnotations(Formatter.Annotation);
                    });
                    break;
            }
        }

        private static StatementSyntax Wrap(StatementSyntax statement, string lockName) =>
            LockStatement(IdentifierName(lockName), Block(statement.WithoutLeadingTrivia()))
                .WithLeadingTrivia(statement.GetLeadingTrivia())
                .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
