using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace ThreadWise.CodeFixes.Infrastructure;

/// <summary>
/// The dedicated lock field a fix locks on: <c>private readonly object _sync</c> (instance) or <c>s_sync</c> (static),
/// the names TW0001's fix uses too. An existing <c>readonly</c> <c>object</c>/<c>Lock</c> field of that name and
/// staticness is reused; otherwise the next free name (<c>s_sync2</c>…) is added after the type's last field.
/// </summary>
internal static class LockFields
{
    public const string InstanceName = "_sync";
    public const string StaticName = "s_sync";

    /// <summary>The field's name, and whether it already exists (then nothing is added).</summary>
    public static string Choose(SemanticModel model, TypeDeclarationSyntax type, bool isStatic, CancellationToken cancellationToken, out bool exists)
    {
        var baseName = isStatic ? StaticName : InstanceName;
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

    /// <summary>Adds <c>private [static] readonly object name = new object();</c> after the type's last field (or first).</summary>
    public static void Add(DocumentEditor editor, TypeDeclarationSyntax type, string name, bool isStatic)
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
}
