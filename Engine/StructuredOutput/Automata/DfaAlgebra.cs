namespace Engine.StructuredOutput.Automata;

/// <summary>Intersection and complement of call-free DFAs: how a string's pattern meets its length bounds, a number
/// form meets its bounds, and extra object keys avoid the named properties.</summary>
internal static class DfaAlgebra
{
    /// <summary>The strings both automata accept (the product automaton, reachable pairs only).</summary>
    public static Dfa Intersect(Dfa a, Dfa b)
    {
        // Joint classes: bytes that fall in the same class of both.
        var classOf = new byte[256];
        var joint = new Dictionary<(int, int), int>();
        var pairs = new List<(int A, int B)>();
        for (int v = 0; v < 256; v++)
        {
            var key = (a.ClassOf((byte)v), b.ClassOf((byte)v));
            if (!joint.TryGetValue(key, out int cls))
            {
                joint[key] = cls = joint.Count;
                pairs.Add(key);
            }
            classOf[v] = (byte)cls;
        }
        int classCount = joint.Count;
        var ids = new Dictionary<(int, int), int> { [(Dfa.Start, Dfa.Start)] = 0 };
        var states = new List<(int A, int B)> { (Dfa.Start, Dfa.Start) };
        var next = new List<int>();
        var accepting = new List<bool>();
        for (int s = 0; s < states.Count; s++)
        {
            var (sa, sb) = states[s];
            for (int c = 0; c < classCount; c++)
            {
                int ta = a.Next[sa * a.ClassCount + pairs[c].A], tb = b.Next[sb * b.ClassCount + pairs[c].B];
                if (ta < 0 || tb < 0)
                {
                    next.Add(-1);
                    continue;
                }
                if (!ids.TryGetValue((ta, tb), out int id))
                {
                    if (states.Count >= Determinizer.StateLimit)
                        throw new GrammarException($"The grammar is too large to compile (more than {Determinizer.StateLimit} automaton states in one rule).");
                    ids[(ta, tb)] = id = states.Count;
                    states.Add((ta, tb));
                }
                next.Add(id);
            }
            accepting.Add(a.Accepting[sa] && b.Accepting[sb]);
        }
        return DfaMinimizer.Minimize(new Dfa(classOf, classCount, [.. next], [.. accepting], [.. states.Select(_ => Array.Empty<CallEdge>())]));
    }

    /// <summary>Every byte string <paramref name="dfa"/> rejects (a sink state completes the table).</summary>
    public static Dfa Complement(Dfa dfa)
    {
        int n = dfa.StateCount, sink = n, classes = dfa.ClassCount;
        var next = new int[(n + 1) * classes];
        for (int i = 0; i < next.Length; i++) next[i] = i < n * classes && dfa.Next[i] >= 0 ? dfa.Next[i] : sink;
        var accepting = new bool[n + 1];
        for (int s = 0; s < n; s++) accepting[s] = !dfa.Accepting[s];
        accepting[sink] = true;
        var classOf = new byte[256];
        for (int v = 0; v < 256; v++) classOf[v] = (byte)dfa.ClassOf((byte)v);
        return new Dfa(classOf, classes, next, accepting, [.. Enumerable.Range(0, n + 1).Select(_ => Array.Empty<CallEdge>())]);
    }

    /// <summary>Determinizes and minimizes a call-free expression on its own.</summary>
    public static Dfa Compile(Expr expr)
    {
        var builder = new NfaBuilder(_ => throw new GrammarException("The grammar is too large to compile (a bounded repetition too long to intersect)."));
        return DfaMinimizer.Minimize(Determinizer.Determinize(builder.Build(expr)));
    }
}
