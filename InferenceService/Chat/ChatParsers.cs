using InferenceService.Reasoning;
using InferenceService.Tools;

namespace InferenceService.Chat;

/// <summary>
/// How this server reads its model's chat output, from vLLM's flags: --enable-auto-tool-choice with
/// --tool-call-parser (tool calls under tool_choice "auto"), and --reasoning-parser. Checked at start-up.
/// </summary>
public sealed class ChatParsers
{
    public ChatParsers(IConfiguration configuration)
    {
        var engine = configuration.GetSection("Engine");
        AutoToolChoice = engine["EnableAutoToolChoice"] is { } auto && (bool.TryParse(auto, out bool on)
            ? on
            : throw new ArgumentException($"--enable-auto-tool-choice must be true or false, got '{auto}'."));
        ToolCalls = engine["ToolCallParser"] is { Length: > 0 } parser ? ToolCallSyntax.ByName(parser) : null;
        if (AutoToolChoice && ToolCalls is null)
            throw new ArgumentException("--enable-auto-tool-choice needs --tool-call-parser " + string.Join("|", ToolCallSyntax.Names) + ".");
        Reasoning = engine["ReasoningParser"] is { Length: > 0 } reasoning ? ReasoningParser.ByName(reasoning) : null;
    }

    public bool AutoToolChoice { get; }

    public ToolCallSyntax? ToolCalls { get; }

    public ReasoningParser? Reasoning { get; }
}
