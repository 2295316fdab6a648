using System.Text.Json;
using ChatTemplates;
using CommandLineFlags;

namespace InferenceService.Cli;

/// <summary>
/// `render-chat-template --template FILE --messages FILE [--bos-token S] [--eos-token S] [--no-generation-prompt]`:
/// prints exactly the rendered text (no added newline) and exits 0, or prints the template's error and exits 1.
/// It renders through the same code as the server.
/// </summary>
public static class RenderChatTemplateCommand
{
    public static FlagSet Flags { get; } = new(
    [
        KnownFlag.Value("template"), KnownFlag.Value("messages"), KnownFlag.Value("bos-token"), KnownFlag.Value("eos-token"),
        KnownFlag.Switch("generation-prompt"),
    ]);

    public static int Run(CommandLine args)
    {
        var templatePath = args.Get("template") ?? throw new ArgumentException("--template <file> is required.");
        var messagesPath = args.Get("messages") ?? throw new ArgumentException("--messages <json file> is required.");
        var template = File.ReadAllText(templatePath);
        using var messages = JsonDocument.Parse(File.ReadAllText(messagesPath));
        var root = messages.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out var inner)) root = inner;
        try
        {
            var text = ChatTemplateRenderer.Render(template, root, args.Get("bos-token") ?? "", args.Get("eos-token") ?? "",
                addGenerationPrompt: args.GetSwitch("generation-prompt") ?? true);
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(new System.Text.UTF8Encoding(false).GetBytes(text));
            return 0;
        }
        catch (TemplateException error)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }
}
