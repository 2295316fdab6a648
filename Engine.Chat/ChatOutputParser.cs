using Engine.Chat.Reasoning;
using Engine.Chat.Tools;

namespace Engine.Chat;

/// <summary>
/// One choice's text, as it arrives, parsed into what an assistant message holds: reasoning first (when a reasoning
/// parser splits it off), then the answer, read for tool calls (when the request lets the model call tools). Without
/// either, the text is all content. The non-streamed response runs the same parser over the whole text, so both agree.
/// </summary>
public sealed class ChatOutputParser(ReasoningStream? reasoning, ToolCallStream? tools)
{
    /// <summary>The parser of one choice of a chat whose rendered prompt is <paramref name="prompt"/>: reasoning split off as the
    /// server's parser says, tool calls read in <paramref name="toolCalls"/>' syntax (null: none).</summary>
    public static ChatOutputParser For(ChatParsers parsers, string prompt, ToolCallSyntax? toolCalls, ChatTools tools) =>
        new(parsers.Reasoning?.NewStream(prompt), toolCalls is null ? null : new ToolCallStream(toolCalls, tools.Names, tools.ParallelCalls));

    public bool SplitsReasoning => reasoning is not null;

    public IReadOnlyList<ChatDelta> Add(string text) => text.Length == 0 ? [] : ReadAnswer(reasoning?.Add(text) ?? [new ContentDelta(text)], final: false);

    public IReadOnlyList<ChatDelta> Finish() => ReadAnswer(reasoning?.Finish() ?? [], final: true);

    private List<ChatDelta> ReadAnswer(IReadOnlyList<ChatDelta> deltas, bool final)
    {
        var output = new List<ChatDelta>();
        foreach (var delta in deltas)
        {
            if (tools is not null && delta is ContentDelta content) output.AddRange(tools.Add(content.Text));
            else output.Add(delta);
        }
        if (final && tools is not null) output.AddRange(tools.Finish());
        return output;
    }
}
