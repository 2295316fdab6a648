using Engine.Chat;
using Engine.Chat.Reasoning;
using Engine.Chat.Tools;

namespace InferenceService.Hosting;

/// <summary>The server's <see cref="ChatParsers"/> from vLLM's flags: --enable-auto-tool-choice, --tool-call-parser, --reasoning-parser.</summary>
public static class ChatParserFlags
{
    /// <summary>From the Engine section of a service's configuration (the flags' values).</summary>
    public static ChatParsers Read(IConfiguration configuration)
    {
        var engine = configuration.GetSection("Engine");
        bool auto = engine["EnableAutoToolChoice"] is { } value && (bool.TryParse(value, out bool on)
            ? on
            : throw new ArgumentException($"--enable-auto-tool-choice must be true or false, got '{value}'."));
        return new ChatParsers(auto,
            engine["ToolCallParser"] is { Length: > 0 } parser ? ToolCallSyntax.ByName(parser) : null,
            engine["ReasoningParser"] is { Length: > 0 } reasoning ? ReasoningParser.ByName(reasoning) : null);
    }
}
