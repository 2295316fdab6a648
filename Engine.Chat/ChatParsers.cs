using Engine.Chat.Reasoning;
using Engine.Chat.Tools;

namespace Engine.Chat;

/// <summary>
/// How a chat model's output is read (a server sets it from vLLM's flags: --enable-auto-tool-choice with
/// --tool-call-parser, and --reasoning-parser): tool calls under tool_choice "auto" in a syntax, reasoning split off.
/// </summary>
public sealed class ChatParsers
{
    public ChatParsers(bool autoToolChoice, ToolCallSyntax? toolCalls, ReasoningParser? reasoning)
    {
        if (autoToolChoice && toolCalls is null)
            throw new ArgumentException("--enable-auto-tool-choice needs --tool-call-parser " + string.Join("|", ToolCallSyntax.Names) + ".");
        AutoToolChoice = autoToolChoice;
        ToolCalls = toolCalls;
        Reasoning = reasoning;
    }

    public bool AutoToolChoice { get; }

    public ToolCallSyntax? ToolCalls { get; }

    public ReasoningParser? Reasoning { get; }
}
