namespace Engine.StructuredOutput.Automata;

/// <summary>
/// Merges states no input tells apart (Moore's partition refinement: same acceptance, and for every byte class and
/// every call, targets in the same block). Fewer states mean fewer token masks to work out, and a character class
/// written as many UTF-8 alternatives becomes a handful of states.
/// </summary>
internal static class DfaMinimizer
{
    /// <summary>Above this many states the automaton is kept as it is (refinement would cost more than it saves).</summary>
    private const int StateLimit = 50_000;

    public static Dfa Minimize(Dfa dfa)
    {
        int n = dfa.StateCount, classes = dfa.ClassCount;
        if (n > StateLimit) return dfa;
        var block = new int[n];
        for (int s = 0; s < n; s++) block[s] = dfa.Accepting[s] ? 1 : 0;
        int blocks = block.Distinct().Count();
        while (true)
        {
            var ids = new Dictionary<int[], int>(SignatureComparer.Instance);
            var next = new int[n];
            for (int s = 0; s < n; s++)
            {
                var calls = dfa.Calls[s];
                var signature = new int[1 + classes + 2 * calls.Length];
                signature[0] = block[s];
                for (int c = 0; c < classes; c++) signature[1 + c] = dfa.Next[s * classes + c] is int t and >= 0 ? block[t] : -1;
                for (int k = 0; k < calls.Length; k++)
                {
                    signature[1 + classes + 2 * k] = calls[k].Rule;
                    signature[2 + classes + 2 * k] = block[calls[k].Target];
                }
                if (!ids.TryGetValue(signature, out int id)) ids[signature] = id = ids.Count;
                next[s] = id;
            }
            block = next;
            if (ids.Count == blocks) break;
            blocks = ids.Count;
        }
        if (blocks == n) return dfa;

        // The start state's block becomes state 0; the others keep their order of first appearance.
        var renumber = Enumerable.Repeat(-1, blocks).ToArray();
        renumber[block[Dfa.Start]] = 0;
        int count = 1;
        for (int s = 0; s < n; s++)
            if (renumber[block[s]] < 0) renumber[block[s]] = count++;
        var table = new int[blocks * classes];
        var accepting = new bool[blocks];
        var callEdges = new CallEdge[blocks][];
        for (int s = 0; s < n; s++)
        {
            int b = renumber[block[s]];
            if (callEdges[b] is not null) continue;
            for (int c = 0; c < classes; c++) table[b * classes + c] = dfa.Next[s * classes + c] is int t and >= 0 ? renumber[block[t]] : -1;
            accepting[b] = dfa.Accepting[s];
            callEdges[b] = [.. dfa.Calls[s].Select(call => new CallEdge(call.Rule, renumber[block[call.Target]]))];
        }
        var classOf = new byte[256];
        for (int v = 0; v < 256; v++) classOf[v] = (byte)dfa.ClassOf((byte)v);
        return new Dfa(classOf, classes, table, accepting, callEdges);
    }

    private sealed class SignatureComparer : IEqualityComparer<int[]>
    {
        public static SignatureComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] signature)
        {
            var hash = new HashCode();
            foreach (int v in signature) hash.Add(v);
            return hash.ToHashCode();
        }
    }
}
