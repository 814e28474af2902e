using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ThreadWise.Cli.Fixing;
using Xunit;

namespace ThreadWise.Cli.Tests;

/// <summary>The <c>--fix</c> guard: changes that add compile errors are put back, per file and then per project.</summary>
public sealed class CompileGuardTests
{
    private const string Caller = "public static class Caller { public static int Use() => Callee.Value(); }";
    private const string Callee = "public static class Callee { public static int Value() => 1; }";

    [Fact]
    public async Task FileWhoseFixDoesNotCompile_IsPutBack_OtherFixesKept()
    {
        var (original, project, caller, callee) = Create();
        var fixedSolution = original
            .WithDocumentText(caller, SourceText.From("public static class Caller { public static int Use() => Callee.Value() + missing; }"))
            .WithDocumentText(callee, SourceText.From("public static class Callee { public static int Value() => 2; }"));
        using var output = new StringWriter();

        var kept = await CompileGuard.KeepCompilingAsync(original, fixedSolution, project, output, default);

        Assert.Equal(Caller, (await kept.GetDocument(caller)!.GetTextAsync()).ToString());
        Assert.Contains("=> 2;", (await kept.GetDocument(callee)!.GetTextAsync()).ToString(), StringComparison.Ordinal);
        Assert.Contains("left /src/Caller.cs untouched: the fixed code would not compile (CS0103: ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FixThatBreaksAnotherFile_PutsTheWholeProjectBack()
    {
        var (original, project, _, callee) = Create();
        // Callee compiles on its own, but Caller no longer does.
        var fixedSolution = original.WithDocumentText(callee, SourceText.From("public static class Callee { public static int Other() => 2; }"));
        using var output = new StringWriter();

        var kept = await CompileGuard.KeepCompilingAsync(original, fixedSolution, project, output, default);

        Assert.Same(original, kept);
        Assert.Contains("left Guarded untouched: its fixed code would not compile (CS0117: ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsThatWereThereBefore_DoNotBlockAFix()
    {
        const string Broken = "public static class Caller { public static int Use() => missing; }";
        var (original, project, caller, callee) = Create(callerText: Broken);
        var fixedSolution = original.WithDocumentText(callee, SourceText.From("public static class Callee { public static int Value() => 2; }"));
        using var output = new StringWriter();

        var kept = await CompileGuard.KeepCompilingAsync(original, fixedSolution, project, output, default);

        Assert.Contains("=> 2;", (await kept.GetDocument(callee)!.GetTextAsync()).ToString(), StringComparison.Ordinal);
        Assert.Equal(Broken, (await kept.GetDocument(caller)!.GetTextAsync()).ToString());
        Assert.Empty(output.ToString());
    }

    private static (Solution Solution, ProjectId Project, DocumentId Caller, DocumentId Callee) Create(string callerText = Caller)
    {
        var workspace = new AdhocWorkspace();
        var references = new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) };
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Guarded", "Guarded", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            metadataReferences: references));
        var caller = workspace.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(project.Id), "Caller.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(callerText), VersionStamp.Default)), filePath: "/src/Caller.cs"));
        var callee = workspace.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(project.Id), "Callee.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(Callee), VersionStamp.Default)), filePath: "/src/Callee.cs"));
        return (workspace.CurrentSolution, project.Id, caller.Id, callee.Id);
    }
}
