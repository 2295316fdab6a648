namespace Engine.Backends;

/// <summary>Head layout of an attention layer; query head h reads KV head h / (Heads / KvHeads) (GQA). With a
/// Window w &gt; 0 (sliding-window attention) the token at position p reads only positions p − w + 1 .. p. Scores are
/// q·k · Scale, soft-capped to tanh(s / SoftCap) · SoftCap when SoftCap &gt; 0 (Gemma 2).</summary>
public readonly record struct AttentionShape(int Heads, int KvHeads, int HeadDim, int Window = 0)
{
    /// <summary>The first position the token at <paramref name="position"/> reads.</summary>
    public int FirstVisible(int position) => Window > 0 ? Math.Max(0, position - Window + 1) : 0;

    public float Scale { get; init; } = 1f / MathF.Sqrt(HeadDim);
    public float SoftCap { get; init; }
    public int GroupSize => Heads / KvHeads;
}
