namespace Engine.StructuredOutput.Automata;

/// <summary>
/// Subset construction: each DFA state is the ε-closure of a set of NFA states. Bytes are first split into the
/// classes no edge tells apart, so the work per state is per class, not per byte. Call edges are determinized like
/// byte edges (one target per called rule).
/// </summary>
internal static class Determinizer
{
    /// <summary>States one rule's DFA may have before the grammar is refused as too large.</summary>
    public const int StateLimit = 100_000;

    public static Dfa Determinize(Nfa nfa)
    {
        var (classOf, classCount, classesOfSet) = ByteClasses(nfa);
        var ids = new Dictionary<int[], int>(SetComparer.Instance);
        var sets = new List<int[]>();
        var next = new List<int>();
        var accepting = new List<bool>();
        var calls = new List<CallEdge[]>();

        int Intern(int[] set)
        {
            if (ids.TryGetValue(set, out int id)) return id;
            if (sets.Count >= StateLimit)
                throw new GrammarException($"The grammar is too large to compile (more than {StateLimit} automaton states in one rule).");
            ids[set] = sets.Count;
            sets.Add(set);
            return sets.Count - 1;
        }

        Intern(Closure(nfa, [nfa.Start]));
        var targets = new List<int>[classCount];
        for (int c = 0; c < classCount; c++) targets[c] = [];
        for (int d = 0; d < sets.Count; d++)
        {
            foreach (var list in targets) list.Clear();
            var callTargets = new SortedDictionary<int, List<int>>();
            foreach (int s in sets[d])
                foreach (var edge in nfa.EdgesOf(s))
                {
                    if (edge.IsCall)
                    {
                        if (!callTargets.TryGetValue(edge.Rule, out var list)) callTargets[edge.Rule] = list = [];
                        list.Add(edge.Target);
                    }
                    else if (!edge.IsEpsilon)
                    {
                        foreach (int c in classesOfSet[edge.Bytes]) targets[c].Add(edge.Target);
                    }
                }
            // Many classes lead to the same NFA states (every byte of a string's content, say): close each set once.
            var closed = new Dictionary<int[], int>(SetComparer.Instance);
            for (int c = 0; c < classCount; c++)
            {
                if (targets[c].Count == 0)
                {
                    next.Add(-1);
                    continue;
                }
                var key = SortedDistinct(targets[c]);
                if (!closed.TryGetValue(key, out int id)) closed[key] = id = Intern(Closure(nfa, key));
                next.Add(id);
            }
            calls.Add([.. callTargets.Select(t => new CallEdge(t.Key, Intern(Closure(nfa, t.Value))))]);
            accepting.Add(Array.BinarySearch(sets[d], nfa.Accept) >= 0);
        }
        return new Dfa(classOf, classCount, [.. next], [.. accepting], [.. calls]);
    }

    /// <summary>Bytes grouped by the set of edge labels they belong to; for each label, the classes it covers.</summary>
    private static (byte[] ClassOf, int Count, Dictionary<ByteSet, int[]> ClassesOfSet) ByteClasses(Nfa nfa)
    {
        var labels = new List<ByteSet>();
        var seen = new HashSet<ByteSet>();
        for (int s = 0; s < nfa.StateCount; s++)
            foreach (var edge in nfa.EdgesOf(s))
                if (!edge.IsCall && !edge.IsEpsilon && seen.Add(edge.Bytes)) labels.Add(edge.Bytes);

        var classOf = new byte[256];
        var signatures = new Dictionary<string, int>();
        var signature = new System.Text.StringBuilder();
        for (int b = 0; b < 256; b++)
        {
            signature.Clear();
            for (int l = 0; l < labels.Count; l++)
                if (labels[l].Contains(b)) signature.Append(l).Append(',');
            string key = signature.ToString();
            if (!signatures.TryGetValue(key, out int cls)) signatures[key] = cls = signatures.Count;
            classOf[b] = (byte)cls;
        }
        var classesOfSet = labels.ToDictionary(l => l, l => Enumerable.Range(0, 256).Where(l.Contains).Select(b => (int)classOf[b]).Distinct().ToArray());
        return (classOf, signatures.Count, classesOfSet);
    }

    private static int[] SortedDistinct(List<int> states)
    {
        var array = states.ToArray();
        Array.Sort(array);
        int count = 0;
        for (int i = 0; i < array.Length; i++)
            if (i == 0 || array[i] != array[i - 1]) array[count++] = array[i];
        return count == array.Length ? array : array[..count];
    }

    private static int[] Closure(Nfa nfa, IEnumerable<int> states)
    {
        var result = new HashSet<int>();
        var stack = new Stack<int>();
        foreach (int s in states)
            if (result.Add(s)) stack.Push(s);
        while (stack.TryPop(out int s))
            foreach (var edge in nfa.EdgesOf(s))
                if (edge.IsEpsilon && result.Add(edge.Target)) stack.Push(edge.Target);
        var sorted = result.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private sealed class SetComparer : IEqualityComparer<int[]>
    {
        public static SetComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] set)
        {
            var hash = new HashCode();
            foreach (int s in set) hash.Add(s);
            return hash.ToHashCode();
        }
    }
}
