using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Matching;

/// <summary>
/// One sequence's position in a compiled grammar: the set of stacks (frames) that can read the next byte, and whether
/// the output so far is complete. Calls push a frame, a rule reaching an accepting state may return to its caller;
/// both are followed eagerly (the closure), so every frame kept can read a byte. Masks come from the per-state cache,
/// plus the uncertain tokens checked against the real stacks. Not thread-safe: one sequence, one thread.
/// </summary>
internal sealed class GrammarMatcher
{
    private readonly CompiledGrammar _grammar;
    private List<Frame> _frames;

    public GrammarMatcher(CompiledGrammar grammar)
    {
        _grammar = grammar;
        (_frames, IsComplete) = Closure([NewFrame(0, Dfa.Start, null)]);
    }

    /// <summary>The output so far is a whole match: end-of-sequence may come now.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Fewest bytes that would complete the output (0 when it is complete).</summary>
    public int Distance => IsComplete ? 0 : _frames.Count == 0 ? int.MaxValue : _frames.Min(f => f.Distance);

    /// <summary>Sets exactly the tokens (end-of-sequence aside) that may come next.</summary>
    public void FillMask(Span<ulong> mask)
    {
        var vocabulary = _grammar.Vocabulary;
        if (_frames.Count == 1 && _grammar.Mask(_frames[0]) is { Uncertain.Length: 0 } only)
        {
            only.CopyTo(mask, vocabulary);
            return;
        }
        mask.Clear();
        foreach (var frame in _frames) _grammar.Mask(frame).OrInto(mask, vocabulary);
        foreach (var frame in _frames)
            foreach (int token in _grammar.Mask(frame).Uncertain)
                if (!TokenMask.Get(mask, token) && Advance([frame], vocabulary.TokenBytes[token]!) is not null)
                    TokenMask.Set(mask, token);
    }

    /// <summary>Sets the tokens after which the output can still be completed in <paramref name="maxDistance"/> bytes,
    /// or that lie on a shortest way to the end (each of their bytes brings it one closer): when even the shortest
    /// completion is longer than the bytes left, those still finish it with the fewest tokens.</summary>
    public void FillMaskWithin(Span<ulong> mask, int maxDistance)
    {
        var vocabulary = _grammar.Vocabulary;
        int current = Distance;
        mask.Clear();
        foreach (var frame in _frames)
        {
            int below = frame.Parent?.Distance ?? 0;
            TrieWalk.Run(vocabulary, _grammar.Rules[frame.Rule], _grammar.MayLeave[frame.Rule], frame.State, mask, null,
                _grammar.Distances[frame.Rule], maxDistance - below, current - below);
        }
        foreach (var frame in _frames)
            foreach (int token in _grammar.Mask(frame).Uncertain)
            {
                var bytes = vocabulary.TokenBytes[token]!;
                if (!TokenMask.Get(mask, token) && Advance([frame], bytes) is { } after
                    && (DistanceOf(after) <= maxDistance || DistanceOf(after) + bytes.Length <= current))
                    TokenMask.Set(mask, token);
            }
    }

    /// <summary>The fewest bytes that would complete the output after <paramref name="token"/>; null when it is not allowed.</summary>
    public int? DistanceAfter(int token) =>
        _grammar.Vocabulary.TokenBytes[token] is { } bytes && Advance(_frames, bytes) is { } after ? DistanceOf(after) : null;

    /// <summary>How many bytes <paramref name="token"/> writes.</summary>
    public int TokenLength(int token) => _grammar.Vocabulary.TokenBytes[token]?.Length ?? 0;

    /// <summary>Moves past <paramref name="token"/>; false (and no change) when the grammar does not allow it.</summary>
    public bool Accept(int token)
    {
        if (_grammar.Vocabulary.TokenBytes[token] is not { } bytes || Advance(_frames, bytes) is not { } after) return false;
        (_frames, IsComplete) = after;
        return true;
    }

    private static int DistanceOf((List<Frame> Frames, bool Complete) position) =>
        position.Complete ? 0 : position.Frames.Count == 0 ? int.MaxValue : position.Frames.Min(f => f.Distance);

    /// <summary>The position after reading <paramref name="bytes"/> from <paramref name="frames"/>; null when a byte cannot be read.</summary>
    private (List<Frame> Frames, bool Complete)? Advance(List<Frame> frames, ReadOnlySpan<byte> bytes)
    {
        (List<Frame> Frames, bool Complete) position = (frames, false);
        foreach (byte b in bytes)
        {
            var moved = new List<Frame>();
            foreach (var frame in position.Frames)
            {
                int target = _grammar.Rules[frame.Rule].Step(frame.State, b);
                if (target >= 0) moved.Add(NewFrame(frame.Rule, target, frame.Parent));
            }
            if (moved.Count == 0) return null;
            position = Closure(moved);
        }
        return position;
    }

    /// <summary>Follows calls and returns until every frame can read a byte; notes when the whole output can end.</summary>
    private (List<Frame> Frames, bool Complete) Closure(List<Frame> start)
    {
        var ready = new List<Frame>();
        var seen = new HashSet<Frame>();
        bool complete = false;
        var pending = new Stack<Frame>(start);
        while (pending.TryPop(out var frame))
        {
            if (!seen.Add(frame)) continue;
            var dfa = _grammar.Rules[frame.Rule];
            if (dfa.HasByteEdges(frame.State)) ready.Add(frame);
            foreach (var call in dfa.Calls[frame.State])
                pending.Push(NewFrame(call.Rule, Dfa.Start, NewFrame(frame.Rule, call.Target, frame.Parent)));
            if (dfa.Accepting[frame.State])
            {
                if (frame.Parent is null) complete = true;
                else pending.Push(frame.Parent);
            }
        }
        return (ready, complete);
    }

    private Frame NewFrame(int rule, int state, Frame? parent) => new(rule, state, parent, _grammar.Distances[rule][state]);
}
