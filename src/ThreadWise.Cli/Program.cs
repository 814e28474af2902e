using System;
using System.Threading.Tasks;
using ThreadWise.Cli.Commands;

namespace ThreadWise.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args) => CliApp.RunAsync(args, Console.Out, Console.Error);
}
