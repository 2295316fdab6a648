namespace Engine.Backends;

/// <summary>Head layout of an attention layer; query head h reads KV head h / (Heads / KvHeads) (GQA).</summary>
public readonly record struct AttentionShape(int Heads, int KvHeads, int HeadDim)
{
    public float Scale => 1f / MathF.Sqrt(HeadDim);
    public int GroupSize => Heads / KvHeads;
}
