using System;

namespace ThreadWise.Cli;

internal static class Program
{
    // Skeleton: the command line, loading, analysis and report writers are being built (issue 17).
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: threadwise analyze <solution|project|folder> [--sarif FILE] [--html FILE] [--fix] [--all] [--fail-on error|warning|info|none]");
        return args.Length == 0 ? 2 : 2;
    }
}
