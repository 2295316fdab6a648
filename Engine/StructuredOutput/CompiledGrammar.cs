using Engine.StructuredOutput.Automata;
using Engine.StructuredOutput.Matching;

namespace Engine.StructuredOutput;

/// <summary>
/// A grammar compiled for one vocabulary: one DFA per rule (rule 0 is the whole output), the fewest bytes that
/// complete each state, and the per-state token masks, worked out the first time a state is reached and kept for
/// every later sequence (up to a memory budget). Immutable apart from that cache, which is thread-safe; share one
/// instance between all the requests that use the grammar.
/// </summary>
public sealed class CompiledGrammar
{
    /// <summary>Mask memory one grammar may keep; past it, masks are worked out each time they are needed.</summary>
    private const long CacheBudgetBytes = 256L << 20;

    private readonly StateMask?[][] _masks;
    private long _cachedBytes;
    private int _cachedStates;

    internal CompiledGrammar(Dfa[] rules, int[][] distances, TokenVocabulary vocabulary)
    {
        Rules = rules;
        Distances = distances;
        Vocabulary = vocabulary;
        var called = rules.SelectMany(r => r.Calls.SelectMany(c => c)).Select(c => c.Rule).ToHashSet();
        MayLeave = [.. rules.Select((dfa, r) => Enumerable.Range(0, dfa.StateCount)
            .Select(s => dfa.Calls[s].Length > 0 || (called.Contains(r) && dfa.Accepting[s])).ToArray())];
        _masks = [.. rules.Select(r => new StateMask?[r.StateCount])];
    }

    /// <summary>The number of logits the grammar's masks cover (the model's vocabulary size).</summary>
    public int VocabularySize => Vocabulary.Size;

    public int RuleCount => Rules.Length;

    public int StateCount => Rules.Sum(r => r.StateCount);

    /// <summary>States whose token mask has been worked out and kept so far.</summary>
    public int CachedStates => Volatile.Read(ref _cachedStates);

    /// <summary>The fewest bytes of a complete output.</summary>
    public int MinimumLength => Distances[0][Dfa.Start];

    internal Dfa[] Rules { get; }
    internal int[][] Distances { get; }
    internal TokenVocabulary Vocabulary { get; }
    /// <summary>Per rule and state: a frame there may leave the rule (call another, or return to its caller).</summary>
    internal bool[][] MayLeave { get; }

    internal StateMask Mask(Frame frame)
    {
        var slot = _masks[frame.Rule];
        if (Volatile.Read(ref slot[frame.State]) is { } cached) return cached;
        var accepted = new ulong[Vocabulary.Words];
        var uncertain = new List<int>();
        TrieWalk.Run(Vocabulary, Rules[frame.Rule], MayLeave[frame.Rule], frame.State, accepted, uncertain);
        var mask = StateMask.From(accepted, Vocabulary, [.. uncertain]);
        if (Interlocked.Read(ref _cachedBytes) + mask.Bytes > CacheBudgetBytes) return mask;
        if (Interlocked.CompareExchange(ref slot[frame.State], mask, null) is { } other) return other;
        Interlocked.Add(ref _cachedBytes, mask.Bytes);
        Interlocked.Increment(ref _cachedStates);
        return mask;
    }
}
