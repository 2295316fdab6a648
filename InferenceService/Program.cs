using InferenceService.Cli;
using InferenceService.Hosting;

CommandLine commandLine;
try
{
    commandLine = new CommandLine(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 2;
}

var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddInMemoryCollection(commandLine.ToConfiguration())
    .Build();

try
{
    switch (commandLine.Verb)
    {
        case "generate":
            return await GenerateCommand.RunAsync(commandLine, configuration);
        case "bench":
            return await BenchCommand.RunAsync(commandLine, configuration);
        case "bench-serve":
            return await BenchServeCommand.RunAsync(commandLine);
        case "render-chat-template":
            return RenderChatTemplateCommand.Run(commandLine);
        case null or "serve":
            return await ServeCommand.RunAsync(commandLine);
        default:
            Console.Error.WriteLine($"error: unknown verb '{commandLine.Verb}' (verbs: serve (default), generate, bench, bench-serve, render-chat-template).");
            return 2;
    }
}
catch (Exception error) when (error is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
