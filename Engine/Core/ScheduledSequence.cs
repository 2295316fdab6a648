namespace Engine.Core;

/// <summary>A sequence in this step, and how many of its uncomputed tokens the step computes (1 for a decode).</summary>
public readonly record struct ScheduledSequence(Sequence Sequence, int TokenCount)
{
    /// <summary>Speculative decoding: KV slots (and token budget) reserved after a decode's token for up to this many draft
    /// tokens, verified in the same forward.</summary>
    public int Lookahead { get; init; }

    /// <summary>The step reaches the sequence's last token.</summary>
    public bool Completes => Sequence.CachedTokens + TokenCount == Sequence.Length;

    /// <summary>The step reaches the last token of a generating sequence, so it samples the next one.</summary>
    public bool Samples => Completes && Sequence.Pooling is null;
}
