namespace Engine.StructuredOutput.Automata;

/// <summary>
/// A deterministic automaton over bytes, state 0 the start. Bytes fall into classes (bytes no edge tells apart), so
/// the transition table is states × classes; -1 means no transition. A state may also have call edges: reading a
/// whole string of another rule's language leads to their target (the grammar's pushdown part; see GrammarMatcher).
/// </summary>
internal sealed class Dfa
{
    public const int Start = 0;

    private readonly byte[] _classOf;
    private readonly bool[] _hasByteEdges;
    private ByteSet[]? _classBytes;

    public Dfa(byte[] classOf, int classCount, int[] next, bool[] accepting, CallEdge[][] calls)
    {
        _classOf = classOf;
        ClassCount = classCount;
        Next = next;
        Accepting = accepting;
        Calls = calls;
        _hasByteEdges = new bool[accepting.Length];
        for (int s = 0; s < accepting.Length; s++)
            for (int c = 0; c < classCount && !_hasByteEdges[s]; c++)
                _hasByteEdges[s] = next[s * classCount + c] >= 0;
    }

    public int StateCount => Accepting.Length;
    public int ClassCount { get; }
    /// <summary>Targets by [state * ClassCount + class]; -1 where there is no transition.</summary>
    public int[] Next { get; }
    public bool[] Accepting { get; }
    public CallEdge[][] Calls { get; }

    public int ClassOf(byte value) => _classOf[value];

    public int Step(int state, byte value) => Next[state * ClassCount + _classOf[value]];

    public bool HasByteEdges(int state) => _hasByteEdges[state];

    /// <summary>The bytes of one class.</summary>
    public ByteSet ClassBytes(int cls)
    {
        if (_classBytes is null)
        {
            var sets = new ByteSet[ClassCount];
            for (int b = 0; b < 256; b++) sets[_classOf[b]] = sets[_classOf[b]].Union(ByteSet.Of(b));
            _classBytes = sets;
        }
        return _classBytes[cls];
    }

    /// <summary>Whether some accepting state can be reached (call edges are not followed: for call-free automata).</summary>
    public bool AcceptsSomething()
    {
        var seen = new bool[StateCount];
        var stack = new Stack<int>([Start]);
        seen[Start] = true;
        while (stack.TryPop(out int s))
        {
            if (Accepting[s]) return true;
            for (int c = 0; c < ClassCount; c++)
                if (Next[s * ClassCount + c] is int t and >= 0 && !seen[t])
                {
                    seen[t] = true;
                    stack.Push(t);
                }
        }
        return false;
    }

    /// <summary>The same automaton without the transitions into dead states and without the dead calls.</summary>
    public Dfa Pruned(Func<int, bool> liveState, Func<CallEdge, bool> liveCall)
    {
        var next = (int[])Next.Clone();
        for (int i = 0; i < next.Length; i++)
            if (next[i] >= 0 && !liveState(next[i])) next[i] = -1;
        var calls = Calls.Select(list => list.Where(liveCall).ToArray()).ToArray();
        return new Dfa(_classOf, ClassCount, next, Accepting, calls);
    }
}

/// <summary>A call edge: reading a string of <see cref="Rule"/>'s language leads to <see cref="Target"/>.</summary>
internal readonly record struct CallEdge(int Rule, int Target);
