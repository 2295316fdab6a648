using Engine.Tokenization;

namespace Engine.StructuredOutput.Matching;

/// <summary>
/// A model's vocabulary as a grammar sees it, built once per tokenizer: the bytes each token adds to the text, and
/// a trie of those byte strings flattened in depth-first order (node i's subtree is nodes i to End[i]-1), so a
/// walk that rejects a prefix skips every token under it. Special tokens, ids without text and ids beyond the
/// tokenizer are not in the trie: a grammar never allows them (end-of-sequence tokens are handled apart).
/// </summary>
public sealed class TokenVocabulary
{
    /// <summary>A vocabulary of <paramref name="size"/> ids where id i writes <paramref name="bytes"/>[i] (null: never allowed).</summary>
    internal TokenVocabulary(int size, byte[]?[] bytes)
    {
        Size = size;
        TokenBytes = bytes;
        Words = (size + 63) / 64;
        ValidTokens = new ulong[Words];
        var entries = new List<(int Id, byte[] Bytes)>();
        for (int id = 0; id < size; id++)
            if (bytes[id] is { Length: > 0 } b)
            {
                entries.Add((id, b));
                ValidTokens[id >> 6] |= 1UL << (id & 63);
            }
        entries.Sort((x, y) => x.Bytes.AsSpan().SequenceCompareTo(y.Bytes));

        var nodeByte = new List<byte>();
        var nodeDepth = new List<int>();
        var nodeEnd = new List<int>();
        var tokenStart = new List<int>();
        var tokens = new List<int>();
        var open = new Stack<int>();
        byte[] previous = [];
        foreach (var (id, b) in entries)
        {
            int common = 0;
            while (common < previous.Length && common < b.Length && previous[common] == b[common]) common++;
            if (common == b.Length && common == previous.Length)
            {
                tokens.Add(id);   // same bytes as the previous token: one more id at the same node
                continue;
            }
            while (open.Count > common) nodeEnd[open.Pop()] = nodeByte.Count;
            for (int d = common; d < b.Length; d++)
            {
                open.Push(nodeByte.Count);
                nodeByte.Add(b[d]);
                nodeDepth.Add(d + 1);
                nodeEnd.Add(0);
                tokenStart.Add(tokens.Count);
            }
            tokens.Add(id);
            previous = b;
        }
        while (open.Count > 0) nodeEnd[open.Pop()] = nodeByte.Count;
        tokenStart.Add(tokens.Count);

        NodeByte = [.. nodeByte];
        NodeDepth = [.. nodeDepth];
        NodeEnd = [.. nodeEnd];
        NodeTokenStart = [.. tokenStart];
        NodeTokens = [.. tokens];
        MaxDepth = nodeDepth.Count == 0 ? 0 : nodeDepth.Max();
    }

    /// <summary>The vocabulary of <paramref name="tokenizer"/> for a model with <paramref name="size"/> logits.</summary>
    public static TokenVocabulary Build(ITextTokenizer tokenizer, int size)
    {
        var bytes = new byte[]?[size];
        for (int id = 0; id < Math.Min(size, tokenizer.VocabSize); id++)
            if (!tokenizer.IsSpecial(id)) bytes[id] = tokenizer.TokenBytes(id);
        return new TokenVocabulary(size, bytes);
    }

    /// <summary>The number of logits (token ids) a mask covers.</summary>
    public int Size { get; }

    /// <summary>Trie nodes (for diagnostics and benchmarks).</summary>
    public int NodeCount => NodeByte.Length;

    internal int Words { get; }
    internal byte[]?[] TokenBytes { get; }
    /// <summary>Tokens that have text: what a grammar could ever allow.</summary>
    internal ulong[] ValidTokens { get; }
    internal byte[] NodeByte { get; }
    internal int[] NodeDepth { get; }
    internal int[] NodeEnd { get; }
    /// <summary>Node i's token ids are NodeTokens[NodeTokenStart[i] .. NodeTokenStart[i + 1]]; a subtree's ids are contiguous.</summary>
    internal int[] NodeTokenStart { get; }
    internal int[] NodeTokens { get; }
    internal int MaxDepth { get; }
}
