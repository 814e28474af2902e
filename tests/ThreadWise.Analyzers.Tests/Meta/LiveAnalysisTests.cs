using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ThreadWise.Analyzers.Tests.Verifiers;
using Xunit;

namespace ThreadWise.Analyzers.Tests.Meta;

/// <summary>
/// What squiggles in the editor: every sample is opened one document at a time, the way Visual Studio and C# Dev Kit
/// analyze while the user types (<see cref="EditorHost"/>), and the union of what each open document shows must be
/// every marked line, except a marker that says <c>build-only</c> (a story that spans types, reported at compilation
/// end). Every live report of a rule with a fix offers a light-bulb action unless its marker says <c>no-fix</c>.
/// </summary>
public class LiveAnalysisTests
{
    private static readonly Regex Marker = new(@"//\s*expect:\s*(?<ids>TW[0-9]{4}(\s*,\s*TW[0-9]{4})*)(?<flags>[^\r\n]*)", RegexOptions.Compiled);

    public static TheoryData<string> SampleProjects() => SamplesTests.SampleProjects();

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task Sample_SquigglesEveryLiveMarker_AndOffersItsFix(string sample)
    {
        var dir = RuleCatalog.PathInRepository("samples", sample);
        var files = Directory.GetFiles(dir, "*.cs", SearchOption.TopDirectoryOnly)
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .ToList();

        var expected = new SortedSet<string>(StringComparer.Ordinal);
        var noFix = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, text) in files)
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var match = Marker.Match(lines[i]);
                if (!match.Success || match.Groups["flags"].Value.Contains("build-only", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var id in match.Groups["ids"].Value.Split(',').Select(s => s.Trim()))
                {
                    var key = $"{path}:{i + 1}: {id}";
                    expected.Add(key);
                    if (match.Groups["flags"].Value.Contains("no-fix", StringComparison.Ordinal))
                    {
                        noFix.Add(key);
                    }
                }
            }
        }

        var actual = new SortedSet<string>(StringComparer.Ordinal);
        var missingFix = new List<string>();
        foreach (var (path, _) in files)
        {
            var live = await EditorHost.AnalyzeOpenDocumentAsync(files, path, OutputKind.ConsoleApplication);
            Assert.Empty(live.Exceptions);
            foreach (var diagnostic in live.Diagnostics.Where(d => d.Id.StartsWith("TW", StringComparison.Ordinal)))
            {
                var key = $"{path}:{diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1}: {diagnostic.Id}";
                actual.Add(key);
                if (RuleCatalog.FixableIds.Contains(diagnostic.Id) && !noFix.Contains(key) &&
                    (await EditorHost.LightBulbAsync(live.Document, diagnostic)).IsEmpty)
                {
                    missingFix.Add(key);
                }
            }
        }

        Assert.Equal(expected, actual);
        Assert.True(missingFix.Count == 0, "no light bulb for: " + string.Join(", ", missingFix));
    }

    public static TheoryData<string, string> LiveCases() => new()
    {
        {
            "TW0001",
            """
            using System.Threading.Tasks;
            class C
            {
                private int _n;
                void M() => Parallel.For(0, 100, _ => _n++);
            }
            """
        },
        {
            "TW0016",
            """
            using System.Threading.Tasks;
            class C
            {
                private int _max;
                void M(int[] samples) => Parallel.ForEach(samples, s => { if (s > _max) _max = s; });
            }
            """
        },
        {
            "TW0002",
            """
            using System.Threading;
            class C
            {
                void Work() { }
                void M()
                {
                    var t = new Thread(Work);
                    Work();
                }
            }
            """
        },
        {
            "TW0003",
            """
            using System.Threading;
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.Start();
                }
            }
            """
        },
        {
            "TW0004",
            """
            class Account
            {
                private readonly object _sync = new();
                static void Transfer(Account from, Account to)
                {
                    lock (from._sync)
                    {
                        lock (to._sync)
                        {
                        }
                    }
                }
            }
            """
        },
        {
            "TW0005",
            """
            using System.Threading;
            class C
            {
                private readonly object _gate = new();
                private int _n;
                void M()
                {
                    Monitor.Enter(_gate);
                    _n = int.Parse("1");
                    Monitor.Exit(_gate);
                }
            }
            """
        },
        {
            "TW0006",
            """
            using System.Threading;
            class C
            {
                void M()
                {
                    var t = new Thread(() => { });
                    t.Start();
                    t.IsBackground = true;
                }
            }
            """
        },
        {
            "TW0007",
            """
            using System.Collections.Concurrent;
            using System.Threading.Tasks;
            class C
            {
                void M()
                {
                    var queue = new BlockingCollection<int>();
                    var consumer = Task.Run(() => { foreach (var item in queue.GetConsumingEnumerable()) { } });
                    queue.Add(1);
                    consumer.Wait();
                    queue.CompleteAdding();
                }
            }
            """
        },
        {
            "TW0008",
            """
            using System.Collections.Generic;
            using System.Threading;
            class C
            {
                private readonly object _gate = new object();
                private readonly Queue<int> _items = new Queue<int>();
                public int Take()
                {
                    lock (_gate)
                    {
                        if (_items.Count == 0) Monitor.Wait(_gate);
                        return _items.Dequeue();
                    }
                }
            }
            """
        },
        {
            "TW0009",
            """
            using System.Threading;
            class C
            {
                private readonly object _gate = new object();
                private bool _ready;
                public void Set()
                {
                    _ready = true;
                    Monitor.PulseAll(_gate);
                }
            }
            """
        },
        {
            "TW0019",
            """
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                private readonly object _gate = new object();
                async Task M()
                {
                    Monitor.Enter(_gate);
                    try { await Task.Delay(1); }
                    finally { Monitor.Exit(_gate); }
                }
            }
            """
        },
        {
            "TW0010",
            """
            using System.Threading;
            using System.Threading.Tasks;
            class C
            {
                private readonly SemaphoreSlim _gate = new(1);
                async Task M(CancellationToken ct)
                {
                    try
                    {
                        await _gate.WaitAsync(ct);
                        System.Console.WriteLine();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """
        },
        {
            "TW0011",
            """
            using System.Threading;
            class C
            {
                private readonly SemaphoreSlim _gate = new(1);
                void M()
                {
                    _gate.Wait(100);
                    try { System.Console.WriteLine(); }
                    finally { _gate.Release(); }
                }
            }
            """
        },
        {
            "TW0014",
            """
            class C
            {
                private static int s_total;
                private readonly object _gate = new object();
                public void Add(int n)
                {
                    lock (_gate) { s_total += n; }
                }
            }
            """
        },
        {
            "TW0014",
            """
            class C
            {
                private int _total;
                public void Add(int n)
                {
                    lock (new object()) { _total += n; }
                }
            }
            """
        },
        {
            "TW0018",
            """
            using System.Threading;
            class C
            {
                void M()
                {
                    var total = 0;
                    var worker = new Thread(() => total = 42);
                    worker.Start();
                    System.Console.WriteLine(total);
                    worker.Join();
                }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(LiveCases))]
    public async Task Rule_SquigglesInTheOpenDocument_WithItsLightBulb(string id, string source)
    {
        var live = await EditorHost.AnalyzeOpenDocumentAsync(source);
        Assert.Empty(live.Exceptions);
        var diagnostic = Assert.Single(live.Diagnostics, d => d.Id == id);
        var actions = await EditorHost.LightBulbAsync(live.Document, diagnostic);
        Assert.NotEmpty(actions);
        var fixedText = await EditorHost.ApplyAsync(live.Document, actions[0]);
        Assert.NotEqual(source, fixedText);
    }
}
