namespace Engine.Core;

/// <summary>A sequence in this step, and how many of its uncomputed tokens the step computes (1 for a decode).</summary>
public readonly record struct ScheduledSequence(Sequence Sequence, int TokenCount)
{
    /// <summary>The step reaches the sequence's last token.</summary>
    public bool Completes => Sequence.CachedTokens + TokenCount == Sequence.Length;

    /// <summary>The step reaches the last token of a generating sequence, so it samples the next one.</summary>
    public bool Samples => Completes && Sequence.Pooling is null;
}
