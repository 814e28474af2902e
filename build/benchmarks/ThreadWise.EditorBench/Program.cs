using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

// usage: ThreadWise.EditorBench <synthetic library folder> [documents=25] [rounds=5]
// For each sampled document and round: a keystroke (the document's text changes, every other tree is reused, a new
// compilation is made, as the IDE does), then, each on its own fresh compilation:
//   compiler  - the compiler's semantic diagnostics of that document (binding it from scratch);
//   ThreadWise/VS Threading - CompilationWithAnalyzers.GetAnalysisResultAsync(model, filterSpan: null), the IDE's call
//               for the open document; "analyzer" is the set's own execution time from the driver's telemetry, "wall"
//               the whole call (binding included).
if (args.Length < 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: ThreadWise.EditorBench <folder written by synth.py> [documents] [rounds]");
    return 2;
}

var documents = args.Length > 1 ? int.Parse(args[1]) : 25;
var rounds = args.Length > 2 ? int.Parse(args[2]) : 5;
var parse = new CSharpParseOptions(LanguageVersion.Latest);
var files = Directory.GetFiles(args[0], "*.cs").OrderBy(f => f, StringComparer.Ordinal).ToArray();
var trees = files.Select(f => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(f)), parse, f)).ToArray();
var baseCompilation = CSharpCompilation.Create(
    "Synth",
    trees,
    Basic.Reference.Assemblies.Net100.References.All,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

var ours = Analyzers(Assembly.Load("ThreadWise.Analyzers"));
if (Environment.GetEnvironmentVariable("EDITORBENCH_ONLY") is { Length: > 0 } only)
{
    // Profiling aid: time a subset of ThreadWise's analyzers (comma-separated type names).
    var names = only.Split(',');
    ours = ours.Where(a => names.Contains(a.GetType().Name)).ToImmutableArray();
}
var peerFolder = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "VsThreadingAnalyzers").Value!;
var peer = Directory.GetFiles(peerFolder, "*.dll")
    .Where(f => !f.Contains("CodeFix", StringComparison.Ordinal))
    .SelectMany(f => new AnalyzerFileReference(f, new Loader()).GetAnalyzers(LanguageNames.CSharp))
    .ToImmutableArray();
if (Environment.GetEnvironmentVariable("EDITORBENCH_PEER") is { } peerPath && peerPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
{
    // A/B aid: another build of ThreadWise.Analyzers (in its own load context) takes the peer's place, measured in the
    // same run and the same rounds as this build (reported in the "VS Threading" column).
    peer = new AnalyzerFileReference(Path.GetFullPath(peerPath), new IsolatedLoader()).GetAnalyzers(LanguageNames.CSharp);
    if (Environment.GetEnvironmentVariable("EDITORBENCH_ONLY") is { Length: > 0 } onlyPeer)
    {
        var names = onlyPeer.Split(',');
        peer = peer.Where(a => names.Contains(a.GetType().Name)).ToImmutableArray();
    }

    Console.WriteLine($"peer set: {peerPath} ({peer.Length} analyzers)");
}

if (Environment.GetEnvironmentVariable("EDITORBENCH_MODEL") == "1")
{
    // Profiling aid: the cost of building the shared per-compilation threading model on a fresh compilation.
    var get = Assembly.Load("ThreadWise.Analyzers").GetType("ThreadWise.Analyzers.Model.ThreadingModel")!.GetMethod("Get")!;
    var times = new List<double>();
    for (var round = 0; round < 30; round++)
    {
        var (fresh, _) = Keystroke(round % trees.Length, round + 1000);
        var sw = Stopwatch.StartNew();
        get.Invoke(null, new object[] { fresh });
        times.Add(sw.Elapsed.TotalMilliseconds);
    }

    Console.WriteLine($"ThreadingModel.Get on a fresh compilation: median {Median(times):F2} ms, first {times[0]:F2} ms");
    var asm = Assembly.Load("ThreadWise.Analyzers");
    foreach (var name in new[] { "ThreadApi", "TaskApi", "LockApi", "CompletionApi", "ProcessApi" })
    {
        var type = asm.GetType("ThreadWise.Analyzers.Model." + name)!;
        var each = new List<double>();
        for (var round = 0; round < 20; round++)
        {
            var (fresh, _) = Keystroke(round % trees.Length, round + 2000);
            var sw = Stopwatch.StartNew();
            Activator.CreateInstance(type, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, new object[] { fresh }, null);
            each.Add(sw.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"  {name}: median {Median(each):F2} ms");
    }
    return 0;
}

var reports = 0;
if (Environment.GetEnvironmentVariable("EDITORBENCH_BUILD") == "1")
{
    // Build cost in process: every analyzer of a set over the whole compilation (as csc does at build time), on a fresh
    // compilation each round, single-threaded so the driver's per-analyzer times add up. Quieter than timing
    // `dotnet build` runs on a loaded machine; perf.py in ../shared/bench remains the reference measurement.
    // On a loaded machine wall times swing; process CPU time does much less. "cpu" is the CPU time of the whole call
    // minus that of a no-op analyzer's call on an equal fresh compilation (binding every body, which the build does anyway).
    var own = new Dictionary<string, List<double>>(StringComparer.Ordinal);
    var totals = new Dictionary<string, List<double>> { ["ThreadWise"] = new(), ["VS Threading"] = new() };
    var cpu = new Dictionary<string, List<double>> { ["ThreadWise"] = new(), ["VS Threading"] = new(), ["baseline"] = new() };
    var alloc = new Dictionary<string, List<double>> { ["ThreadWise"] = new(), ["VS Threading"] = new(), ["baseline"] = new() };
    var pauses = new Dictionary<string, List<double>> { ["ThreadWise"] = new(), ["VS Threading"] = new(), ["baseline"] = new() };
    var noOp = ImmutableArray.Create<DiagnosticAnalyzer>(new NoOpAnalyzer());
    for (var round = 0; round <= rounds; round++)
    {
        // EDITORBENCH_PEER=0 skips the VS Threading set (quicker A/B runs of ThreadWise alone).
        var sets = Environment.GetEnvironmentVariable("EDITORBENCH_PEER") == "0"
            ? new[] { ("baseline", noOp), ("ThreadWise", ours) }
            : new[] { ("baseline", noOp), ("ThreadWise", ours), ("VS Threading", peer) };
        foreach (var (setName, set) in sets)
        {
            var (fresh, _) = Keystroke(0, 5000 + round);
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
                concurrentAnalysis: false, logAnalyzerExecutionTime: true);
            GC.Collect();
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var pausedBefore = GC.GetTotalPauseDuration();
            var result = fresh.WithAnalyzers(set, options).GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
            var spent = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6;
            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            if (round == 0)
            {
                continue; // warm-up: JIT
            }

            cpu[setName].Add(spent);
            alloc[setName].Add(allocated);
            pauses[setName].Add(paused);
            if (setName == "baseline")
            {
                continue;
            }

            totals[setName].Add(result.AnalyzerTelemetryInfo.Values.Sum(t => t.ExecutionTime.TotalMilliseconds));
            if (setName == "ThreadWise")
            {
                reports += result.GetAllDiagnostics().Length;
                foreach (var (analyzer, info) in result.AnalyzerTelemetryInfo)
                {
                    var name = analyzer.GetType().Name;
                    if (!own.TryGetValue(name, out var list))
                    {
                        own[name] = list = new List<double>();
                    }

                    list.Add(info.ExecutionTime.TotalMilliseconds);
                }
            }
        }
    }

    Console.WriteLine($"whole compilation ({trees.Length} files), {rounds} rounds, median analyzer ms: ThreadWise {Median(totals["ThreadWise"]):F0}, VS Threading {Median(totals["VS Threading"]):F0}, ratio {Median(totals["ThreadWise"]) / Median(totals["VS Threading"]):F2}; ThreadWise reports: {reports}");
    var baseCpu = Median(cpu["baseline"]);
    double Extra(string set) => Median(cpu[set]) - baseCpu;
    Console.WriteLine($"MB allocated beyond a no-op analyzer ({Median(alloc["baseline"]):F0}): ThreadWise {Median(alloc["ThreadWise"]) - Median(alloc["baseline"]):F0}, VS Threading {Median(alloc["VS Threading"]) - Median(alloc["baseline"]):F0}");
    Console.WriteLine($"GC pause ms (baseline {Median(pauses["baseline"]):F0}): ThreadWise {Median(pauses["ThreadWise"]):F0}, VS Threading {Median(pauses["VS Threading"]):F0}");
    Console.WriteLine($"process CPU ms beyond a no-op analyzer ({baseCpu:F0}): ThreadWise {Extra("ThreadWise"):F0}, VS Threading {Extra("VS Threading"):F0}, ratio {Extra("ThreadWise") / Extra("VS Threading"):F2}");
    foreach (var (name, times) in own.OrderByDescending(p => Median(p.Value)))
    {
        Console.WriteLine($"  {name,-50} {Median(times),8:F1}");
    }

    return 0;
}

var compiler = new List<double>();
var oursOwn = new List<double>();
var oursWall = new List<double>();
var peerOwn = new List<double>();
var peerWall = new List<double>();
var perAnalyzer = new Dictionary<string, List<double>>(StringComparer.Ordinal);
var step = Math.Max(1, trees.Length / documents);
var sampled = Enumerable.Range(0, trees.Length).Where(i => i % step == 0).Take(documents).ToArray();

// Warm-up: JIT the compiler and all three paths once, not measured.
Measure(sampled[0], 0, record: false);
for (var round = 1; round <= rounds; round++)
{
    foreach (var index in sampled)
    {
        Measure(index, round, record: true);
    }
}

Console.WriteLine($"synthetic library: {trees.Length} files; {sampled.Length} open documents x {rounds} keystrokes; median per document, ms");
Console.WriteLine($"{"",-34} {"analyzer",9} {"wall",9}");
Console.WriteLine($"{"compiler semantic diagnostics",-34} {"",9} {Median(compiler),9:F2}");
Console.WriteLine($"{"ThreadWise (all rules)",-34} {Median(oursOwn),9:F2} {Median(oursWall),9:F2}");
Console.WriteLine($"{"VS Threading analyzers",-34} {Median(peerOwn),9:F2} {Median(peerWall),9:F2}");
Console.WriteLine($"ThreadWise / compiler: {Median(oursOwn) / Median(compiler):F2}   ThreadWise / VS Threading: {Median(oursOwn) / Median(peerOwn):F2}");
Console.WriteLine($"ThreadWise live reports on this correct code: {reports}");
Console.WriteLine("ThreadWise per analyzer (median ms per document):");
foreach (var (name, times) in perAnalyzer.OrderByDescending(p => Median(p.Value)))
{
    Console.WriteLine($"  {name,-50} {Median(times),7:F2}");
}
return 0;

void Measure(int index, int round, bool record)
{
    double Compile()
    {
        var (compilation, tree) = Keystroke(index, round * 3);
        var sw = Stopwatch.StartNew();
        compilation.GetSemanticModel(tree).GetDiagnostics();
        return sw.Elapsed.TotalMilliseconds;
    }

    (double Own, double Wall) Analyze(ImmutableArray<DiagnosticAnalyzer> set, int salt, bool count)
    {
        var (compilation, tree) = Keystroke(index, round * 3 + salt);
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
            concurrentAnalysis: false, logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(set, options);
        var sw = Stopwatch.StartNew();
        var result = withAnalyzers.GetAnalysisResultAsync(compilation.GetSemanticModel(tree), null, CancellationToken.None).GetAwaiter().GetResult();
        var wall = sw.Elapsed.TotalMilliseconds;
        if (count && result.SemanticDiagnostics.TryGetValue(tree, out var byAnalyzer))
        {
            reports += byAnalyzer.Values.Sum(d => d.Length);
        }

        if (count && record)
        {
            foreach (var (analyzer, info) in result.AnalyzerTelemetryInfo)
            {
                var name = analyzer.GetType().Name;
                if (!perAnalyzer.TryGetValue(name, out var times))
                {
                    perAnalyzer[name] = times = new List<double>();
                }

                times.Add(info.ExecutionTime.TotalMilliseconds);
            }
        }

        return (result.AnalyzerTelemetryInfo.Values.Sum(t => t.ExecutionTime.TotalMilliseconds), wall);
    }

    var c = Compile();
    var o = Analyze(ours, 1, record);
    var p = Analyze(peer, 2, false);
    if (record)
    {
        compiler.Add(c);
        oursOwn.Add(o.Own);
        oursWall.Add(o.Wall);
        peerOwn.Add(p.Own);
        peerWall.Add(p.Wall);
    }
}

(Compilation, SyntaxTree) Keystroke(int index, int salt)
{
    var old = trees[index];
    var text = old.GetText();
    var edited = old.WithChangedText(text.WithChanges(new TextChange(new TextSpan(text.Length, 0), $"\n// keystroke {salt}\n")));
    var compilation = baseCompilation.ReplaceSyntaxTree(old, edited);

    // The IDE has the new compilation's declarations (the merged namespaces of all files) in hand before any analyzer
    // runs: it needs them to bind the document. Build them here, outside every measurement, so the first symbol lookup
    // of whichever analyzer runs first is not charged for them.
    compilation.GetTypeByMetadataName("System.Object");
    return (compilation, edited);
}

static ImmutableArray<DiagnosticAnalyzer> Analyzers(Assembly assembly) => assembly.GetTypes()
    .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
    .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
    .ToImmutableArray();

static double Median(List<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
}

/// <summary>Makes the driver bind and walk every body, and does nothing else: the baseline of the build mode.</summary>
#pragma warning disable RS1036, RS1041, RS2008 // a bench-only analyzer, never loaded by a compiler
[DiagnosticAnalyzer(LanguageNames.CSharp)]
sealed class NoOpAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Rule = new("NOOP0001", "no-op", "no-op", "bench", DiagnosticSeverity.Hidden, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(static _ => { }, OperationKind.Invocation);
    }
}

sealed class Loader : IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath) { }

    public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
}

/// <summary>Loads an analyzer assembly into its own context (a second copy of ThreadWise.Analyzers); Roslyn comes from the default one.</summary>
sealed class IsolatedLoader : System.Runtime.Loader.AssemblyLoadContext, IAnalyzerAssemblyLoader
{
    public IsolatedLoader()
        : base("peer")
    {
    }

    public void AddDependencyLocation(string fullPath) { }

    public Assembly LoadFromPath(string fullPath) => LoadFromAssemblyPath(fullPath);

    protected override Assembly? Load(AssemblyName assemblyName) => null;
}
