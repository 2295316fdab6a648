namespace Engine.StructuredOutput.Automata;

/// <summary>
/// A nondeterministic automaton over bytes with one start and one accepting state (Thompson's construction).
/// An edge consumes one byte of a set, calls a rule (consumes a whole string of that rule's language), or is ε.
/// </summary>
internal sealed class Nfa
{
    private readonly List<List<NfaEdge>> _edges = [];

    public int Start { get; set; }
    public int Accept { get; set; }
    public int StateCount => _edges.Count;

    public int AddState()
    {
        _edges.Add([]);
        return _edges.Count - 1;
    }

    public void AddEdge(int from, NfaEdge edge) => _edges[from].Add(edge);

    public IReadOnlyList<NfaEdge> EdgesOf(int state) => _edges[state];
}

/// <summary>An NFA edge: a byte edge has <see cref="Bytes"/>, a call edge a <see cref="Rule"/> ≥ 0, an ε edge neither.</summary>
internal readonly record struct NfaEdge(ByteSet Bytes, int Rule, int Target)
{
    public static NfaEdge Epsilon(int target) => new(default, -1, target);

    public static NfaEdge OnBytes(ByteSet bytes, int target) => new(bytes, -1, target);

    public static NfaEdge Call(int rule, int target) => new(default, rule, target);

    public bool IsCall => Rule >= 0;
    public bool IsEpsilon => Rule < 0 && Bytes.IsEmpty;
}
