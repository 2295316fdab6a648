using InferenceService.Reasoning;
using InferenceService.Tools;

namespace InferenceService.Chat;

/// <summary>
/// One choice's text, as it arrives, parsed into what an assistant message holds: reasoning first (when a reasoning
/// parser splits it off), then the answer, read for tool calls (when the request lets the model call tools). Without
/// either, the text is all content. The non-streamed response runs the same parser over the whole text, so both agree.
/// </summary>
public sealed class ChatOutputParser(ReasoningStream? reasoning, ToolCallStream? tools)
{
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
