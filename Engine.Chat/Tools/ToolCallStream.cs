using Engine.Chat;

namespace Engine.Chat.Tools;

/// <summary>
/// Reads one choice's answer text, as it arrives, into content and tool calls in a family's syntax. A call is sent
/// once its whole region has been read, so a malformed one goes out as the text it was (never half a call), and the
/// result does not depend on how the text was cut: streamed and non-streamed answers are equal. Its arguments then go
/// out in the fragments the model wrote them in. Whitespace between content and a call, and after a call, belongs to
/// the call's markup. With parallel calls off, calls after the first are dropped.
/// </summary>
public sealed class ToolCallStream(ToolCallSyntax syntax, IReadOnlySet<string> toolNames, bool parallelCalls)
{
    private enum State
    {
        Text,
        Region,
        AfterCall,
    }

    private readonly List<int> _boundaries = [];   // where each piece of text ended, counted from the answer's start
    private string _pending = "";                    // text not yet sent nor read into calls
    private int _offset;                             // position of _pending[0] in the answer
    private State _state = State.Text;
    private int _regionStart;                        // in _pending: just after the region's marker (before it: whitespace and the marker)
    private bool _atStart = true;
    private int _calls;                              // sent so far

    public IReadOnlyList<ChatDelta> Add(string text)
    {
        _pending += text;
        _boundaries.Add(_offset + _pending.Length);
        return Run(final: false);
    }

    /// <summary>The answer ended: whatever is still held is read as it stands.</summary>
    public IReadOnlyList<ChatDelta> Finish() => Run(final: true);

    private List<ChatDelta> Run(bool final)
    {
        var output = new List<ChatDelta>();
        while (true)
        {
            switch (_state)
            {
                case State.Text when _atStart:
                    int first = SkipWhitespace(0);
                    if (first == _pending.Length && !final) return output;   // only whitespace so far: what follows decides
                    _atStart = false;
                    if (syntax.BareObjectAtStart && first < _pending.Length && _pending[first] == '{') Enter(first);
                    break;
                case State.Text:
                    var (at, marker) = TextMarkers.First(_pending, syntax.Markers);
                    if (at >= 0)
                    {
                        int whitespace = TextMarkers.WhitespaceStart(_pending, at);
                        Send(output, whitespace);
                        Enter(at - whitespace + marker.Length);
                        break;
                    }
                    int hold = final ? 0 : _pending.Length - TextMarkers.WhitespaceStart(_pending, _pending.Length - TextMarkers.PartialTail(_pending, syntax.Markers));
                    Send(output, _pending.Length - hold);
                    return output;
                case State.Region:
                    var read = syntax.ReadRegion(_pending, _regionStart, final, toolNames);
                    if (read.Status == RegionStatus.Incomplete && !final) return output;
                    if (read.Status != RegionStatus.Complete)
                    {
                        Send(output, _regionStart);   // not a call: its marker (and the whitespace before) are text again
                        _state = State.Text;
                        break;
                    }
                    foreach (var call in read.Calls) SendCall(output, call);
                    Consume(read.End);
                    _state = State.AfterCall;
                    break;
                case State.AfterCall:
                    Consume(SkipWhitespace(0));
                    if (_pending.Length == 0) return output;
                    if (syntax.Continuation == _pending[0]) Enter(1);
                    else _state = State.Text;
                    break;
            }
        }
    }

    /// <summary>A region begins; its text starts at <paramref name="start"/> of _pending.</summary>
    private void Enter(int start)
    {
        _regionStart = start;
        _state = State.Region;
    }

    private int SkipWhitespace(int at)
    {
        while (at < _pending.Length && char.IsWhiteSpace(_pending[at])) at++;
        return at;
    }

    /// <summary>Sends the first <paramref name="length"/> characters of _pending as content.</summary>
    private void Send(List<ChatDelta> output, int length)
    {
        if (length > 0) output.Add(new ContentDelta(_pending[..length]));
        Consume(length);
    }

    private void Consume(int length)
    {
        _pending = _pending[length..];
        _offset += length;
        _regionStart -= length;
        _boundaries.RemoveAll(b => b <= _offset);
    }

    private void SendCall(List<ChatDelta> output, WrittenCall call)
    {
        if (!parallelCalls && _calls == 1) return;
        int index = _calls++;
        output.Add(new ToolCallStart(index, syntax.NewCallId(), call.Name));
        if (call.ArgumentsOffset < 0)
        {
            output.Add(new ToolCallArguments(index, call.Arguments));
            return;
        }
        // The fragments the model wrote: cut where the pieces of text it came in were cut.
        int start = _offset + call.ArgumentsOffset, end = start + call.Arguments.Length, from = start;
        foreach (int boundary in _boundaries.Where(b => b > start && b < end))
        {
            output.Add(new ToolCallArguments(index, call.Arguments[(from - start)..(boundary - start)]));
            from = boundary;
        }
        output.Add(new ToolCallArguments(index, call.Arguments[(from - start)..]));
    }
}
