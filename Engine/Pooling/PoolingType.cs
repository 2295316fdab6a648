namespace Engine.Pooling;

/// <summary>How a sequence's final hidden states become one vector (vLLM's pooling types).</summary>
public enum PoolingType
{
    /// <summary>The last token's (Qwen3-Embedding and other decoder embedders).</summary>
    Last,
    /// <summary>The average over every token of the input.</summary>
    Mean,
}
