using CommandLineFlags;
using InferenceService.Cli;

// Each verb with the flags it takes; `serve` when the first argument is a flag (or there is none).
var verbs = new Dictionary<string, (FlagSet Flags, Func<CommandLine, IConfiguration, Task<int>> RunAsync)>
{
    ["serve"] = (ServeCommand.Flags, (flags, _) => ServeCommand.RunAsync(flags)),
    ["generate"] = (GenerateCommand.Flags, GenerateCommand.RunAsync),
    ["bench"] = (BenchCommand.Flags, BenchCommand.RunAsync),
    ["bench-serve"] = (BenchServeCommand.Flags, (flags, _) => BenchServeCommand.RunAsync(flags)),
    ["render-chat-template"] = (RenderChatTemplateCommand.Flags, (flags, _) => Task.FromResult(RenderChatTemplateCommand.Run(flags))),
};
var verbName = args is [var first, ..] && !first.StartsWith("--", StringComparison.Ordinal) ? first : null;
if (!verbs.TryGetValue(verbName ?? "serve", out var verb))
{
    var closest = Spelling.Closest(verbName!, verbs.Keys);
    Console.Error.WriteLine($"error: unknown verb '{verbName}' ({(closest is null ? "" : $"did you mean {closest}? ")}" +
        $"verbs: {string.Join(", ", verbs.Keys)}; serve is the default)");
    return CommandLineException.ExitCode;
}

// The whole command line is checked before anything loads.
CommandLine commandLine;
try
{
    commandLine = new CommandLine(args[(verbName is null ? 0 : 1)..], verb.Flags);
}
catch (CommandLineException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return CommandLineException.ExitCode;
}

var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddInMemoryCollection(commandLine.ToConfiguration())
    .Build();

try
{
    return await verb.RunAsync(commandLine, configuration);
}
catch (Exception error) when (error is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
