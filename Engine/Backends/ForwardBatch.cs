namespace Engine.Backends;

/// <summary>
/// The host-side inputs of one forward step over many sequences (nano-vllm's prepare_prefill/prepare_decode
/// in one): every scheduled token with its position and KV slot, each sequence's block table, and which
/// tokens' logits are wanted. Prefill chunks and decodes mix freely: a token at position p attends to
/// positions 0..p of its own sequence, read through the block table after this step's K/V are written.
/// </summary>
public sealed class ForwardBatch
{
    public required int[] TokenIds { get; init; }
    public required int[] Positions { get; init; }
    /// <summary>Cache slot (block * blockSize + offset) where each token's K/V are written.</summary>
    public required int[] SlotMapping { get; init; }
    /// <summary>Index of the sequence (row of <see cref="BlockTables"/>) each token belongs to.</summary>
    public required int[] TokenSequence { get; init; }
    /// <summary>Block tables, row-major [sequences, MaxBlocksPerSequence], unused entries -1.</summary>
    public required int[] BlockTables { get; init; }
    public required int MaxBlocksPerSequence { get; init; }
    /// <summary>Tokens whose logits are computed (the last scheduled token of each sequence that samples).</summary>
    public required int[] LogitTokenIndices { get; init; }

    public int TokenCount => TokenIds.Length;
}
