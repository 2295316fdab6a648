using System.Text.Json;
using ChatTemplates;
using CommandLineFlags;
using Engine.Chat.Tools;
using InferenceService.Api;
using InferenceService.Tools;

namespace InferenceService.Cli;

/// <summary>
/// `render-chat-template --template FILE --messages FILE [--tools FILE] [--bos-token S] [--eos-token S] [--no-generation-prompt]`:
/// prints exactly the rendered text (no added newline) and exits 0, or prints the template's error (or what is wrong
/// with the messages or tools) and exits 1. It reads and renders through the same code as the server: messages
/// normalised the same way (tool-call arguments parsed into objects), tools checked the same way and passed as the
/// template's `tools` (none without --tools).
/// </summary>
public static class RenderChatTemplateCommand
{
    public static FlagSet Flags { get; } = new(
    [
        KnownFlag.Value("template"), KnownFlag.Value("messages"), KnownFlag.Value("tools"), KnownFlag.Value("bos-token"),
        KnownFlag.Value("eos-token"), KnownFlag.Switch("generation-prompt"),
    ]);

    public static int Run(CommandLine args)
    {
        var templatePath = args.Get("template") ?? throw new ArgumentException("--template <file> is required.");
        var messagesPath = args.Get("messages") ?? throw new ArgumentException("--messages <json file> is required.");
        var template = File.ReadAllText(templatePath);
        try
        {
            var messages = ChatMessages.Normalize(ReadList(messagesPath, "messages"));
            var tools = args.Get("tools") is { } toolsPath
                ? ChatToolsRequest.Read(new JsonRequest(JsonSerializer.SerializeToElement(new { tools = ReadList(toolsPath, "tools") }))).Definitions
                : null;
            var chat = new ChatPrompt(messages, tools, new Dictionary<string, object?>(), args.GetSwitch("generation-prompt") ?? true);
            var text = chat.Render(template, args.Get("bos-token") ?? "", args.Get("eos-token") ?? "");
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(new System.Text.UTF8Encoding(false).GetBytes(text));
            return 0;
        }
        catch (Exception error) when (error is TemplateException or ApiException)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }

    /// <summary>A JSON file holding a list, or an object with the list under <paramref name="name"/> (a request body).</summary>
    private static JsonElement ReadList(string path, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var inner)) root = inner;
        return root.Clone();
    }
}
