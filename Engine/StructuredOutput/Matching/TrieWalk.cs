using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Matching;

/// <summary>
/// Runs one rule's automaton over the whole vocabulary trie from one state: a token is accepted when its bytes lead
/// through the rule; a rejected prefix skips its whole subtree. Once a prefix reaches a state that may leave the rule
/// (it returns to a caller, or calls another rule), the tokens below it that the rule alone rejects are uncertain:
/// only the stack can tell. This is the per-state work behind the mask cache; it never runs per token.
/// </summary>
internal static class TrieWalk
{
    /// <summary>
    /// ORs the tokens the rule accepts from <paramref name="state"/> into <paramref name="accepted"/> and lists the
    /// uncertain ones (when <paramref name="uncertain"/> is given). With <paramref name="distances"/>, only tokens
    /// ending in a state at most <paramref name="maxDistance"/> bytes from the end of the rule count, or whose bytes
    /// all bring the end closer (distance after it plus its length at most <paramref name="shortestPath"/>).
    /// </summary>
    public static void Run(TokenVocabulary vocabulary, Dfa dfa, bool[] mayLeave, int state, Span<ulong> accepted, List<int>? uncertain,
        int[]? distances = null, int maxDistance = int.MaxValue, int shortestPath = int.MinValue)
    {
        var nodeByte = vocabulary.NodeByte;
        var nodeDepth = vocabulary.NodeDepth;
        var nodeEnd = vocabulary.NodeEnd;
        var tokenStart = vocabulary.NodeTokenStart;
        var tokens = vocabulary.NodeTokens;
        var next = dfa.Next;
        int classes = dfa.ClassCount;
        Span<byte> classOf = stackalloc byte[256];
        for (int b = 0; b < 256; b++) classOf[b] = (byte)dfa.ClassOf((byte)b);

        var states = new int[vocabulary.MaxDepth + 1];
        var left = new bool[vocabulary.MaxDepth + 1];   // the path so far passed a state that may leave the rule
        states[0] = state;
        int n = nodeByte.Length;
        for (int i = 0; i < n;)
        {
            int depth = nodeDepth[i];
            int target = next[states[depth - 1] * classes + classOf[nodeByte[i]]];
            if (target < 0)
            {
                if (left[depth - 1] && uncertain is not null)
                    for (int t = tokenStart[i]; t < tokenStart[nodeEnd[i]]; t++) uncertain.Add(tokens[t]);
                i = nodeEnd[i];
                continue;
            }
            states[depth] = target;
            left[depth] = left[depth - 1] || mayLeave[target];
            if (distances is null || distances[target] <= maxDistance || distances[target] + depth <= shortestPath)
                for (int t = tokenStart[i]; t < tokenStart[i + 1]; t++) TokenMask.Set(accepted, tokens[t]);
            i++;
        }
    }
}
