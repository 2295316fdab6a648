using Engine.Chat;

namespace Engine.Chat.Reasoning;

/// <summary>
/// Splits one choice's text, as it arrives, into reasoning (up to &lt;/think&gt;) and the answer after it. A leading
/// &lt;think&gt; is dropped; a tag cut across pieces is held until it is whole, so any cut of the text gives the same split.
/// </summary>
public sealed class ReasoningStream(bool startsInReasoning)
{
    private enum State
    {
        Opening,
        Reasoning,
        Answer,
    }

    private static readonly string[] StartTag = [ReasoningParser.Start];
    private static readonly string[] EndTag = [ReasoningParser.End];

    private string _pending = "";
    private State _state = State.Opening;

    public IReadOnlyList<ChatDelta> Add(string text)
    {
        _pending += text;
        return Run(final: false);
    }

    public IReadOnlyList<ChatDelta> Finish() => Run(final: true);

    private List<ChatDelta> Run(bool final)
    {
        var output = new List<ChatDelta>();
        while (true)
        {
            switch (_state)
            {
                case State.Opening:
                    int first = 0;
                    while (first < _pending.Length && char.IsWhiteSpace(_pending[first])) first++;
                    string rest = _pending[first..];
                    if (rest.StartsWith(ReasoningParser.Start, StringComparison.Ordinal))
                    {
                        _pending = rest[ReasoningParser.Start.Length..];
                        _state = State.Reasoning;
                        break;
                    }
                    if (!final && TextMarkers.PartialTail(rest, StartTag) == rest.Length) return output;   // may still become <think>
                    _state = startsInReasoning ? State.Reasoning : State.Answer;
                    break;
                case State.Reasoning:
                    var (at, _) = TextMarkers.First(_pending, EndTag);
                    if (at >= 0)
                    {
                        Send(output, at, answer: false);
                        _pending = _pending[ReasoningParser.End.Length..];
                        _state = State.Answer;
                        break;
                    }
                    Send(output, final ? _pending.Length : _pending.Length - TextMarkers.PartialTail(_pending, EndTag), answer: false);
                    return output;
                case State.Answer:
                    Send(output, _pending.Length, answer: true);
                    return output;
            }
        }
    }

    private void Send(List<ChatDelta> output, int length, bool answer)
    {
        if (length > 0) output.Add(answer ? new ContentDelta(_pending[..length]) : new ReasoningDelta(_pending[..length]));
        _pending = _pending[length..];
    }
}
