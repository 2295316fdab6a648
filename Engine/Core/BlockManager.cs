namespace Engine.Core;

/// <summary>
/// Paged KV cache bookkeeping (nano-vllm's BlockManager, with vLLM V1's incremental allocation for chunked
/// prefill). Blocks are ref-counted; a full block is hashed as hash(parent hash, its token ids) and
/// registered for prefix caching. Freed blocks go to the back of the free list but keep their hash, so a
/// later request with the same prefix revives them; allocation takes from the front (least recently freed
/// first), which is when a cached hash is finally forgotten. Shared blocks are full and never written again.
/// Under a sliding window in every layer, blocks wholly before the window of a sequence's next token are released
/// as it advances (their table entries become -1), so a long sequence holds about window / blockSize blocks.
/// </summary>
public sealed class BlockManager
{
    private readonly KvBlock[] _blocks;
    private readonly LinkedList<KvBlock> _free = new();
    private readonly Dictionary<ulong, KvBlock> _cached = new();

    public BlockManager(int blockCount, int blockSize, bool enablePrefixCaching, int slidingWindow = 0)
    {
        BlockSize = blockSize;
        PrefixCaching = enablePrefixCaching;
        SlidingWindow = slidingWindow;
        _blocks = Enumerable.Range(0, blockCount).Select(i => new KvBlock(i)).ToArray();
        foreach (var block in _blocks) block.FreeNode = _free.AddLast(block);
    }

    public int BlockSize { get; }
    public bool PrefixCaching { get; }
    /// <summary>The attention window of every layer (0: none, or not every layer slides: nothing is released early).</summary>
    public int SlidingWindow { get; }
    public int TotalBlocks => _blocks.Length;
    public int FreeBlocks => _free.Count;
    public double Usage => 1.0 - (double)_free.Count / _blocks.Length;

    /// <summary>
    /// On admission: takes the longest cached run of full prompt blocks. The last prompt token is always
    /// recomputed, since its logits are needed to sample.
    /// </summary>
    public void AllocateCachedPrefix(Sequence seq)
    {
        if (seq.BlockTable.Count != 0) throw new InvalidOperationException("Sequence already holds blocks.");
        seq.CachedTokens = 0;
        if (!PrefixCaching) return;
        ulong hash = ChainStart(seq);
        for (int i = 0; (i + 1) * BlockSize < seq.Length; i++)
        {
            var tokens = seq.TokenIds.GetRange(i * BlockSize, BlockSize);
            hash = BlockHash(hash, tokens);
            if (!_cached.TryGetValue(hash, out var block) || !block.TokenIds.AsSpan().SequenceEqual(tokens.ToArray())) break;
            Take(block);
            seq.BlockTable.Add(block.Id);
            seq.CachedTokens += BlockSize;
        }
        seq.PrefixHitTokens = seq.CachedTokens;
        ReleaseOutsideWindow(seq);   // a long cached prefix: only its window is kept
    }

    /// <summary>Blocks needed so the sequence has slots for <paramref name="newTokens"/> more tokens.</summary>
    public int BlocksNeeded(Sequence seq, int newTokens) =>
        Math.Max(0, (seq.CachedTokens + newTokens + BlockSize - 1) / BlockSize - seq.BlockTable.Count);

    /// <summary>Adds fresh blocks for the next <paramref name="newTokens"/> tokens, or returns false if the pool is short.</summary>
    public bool TryAllocate(Sequence seq, int newTokens)
    {
        int needed = BlocksNeeded(seq, newTokens);
        if (needed > _free.Count) return false;
        for (int i = 0; i < needed; i++)
        {
            var block = _free.First!.Value;
            // The least recently freed cached block is forgotten now.
            if (block.Hash is { } old && _cached.TryGetValue(old, out var owner) && owner == block) _cached.Remove(old);
            block.Hash = null;
            block.TokenIds = [];
            Take(block);
            seq.BlockTable.Add(block.Id);
        }
        return true;
    }

    /// <summary>Registers the sequence's blocks that became full (and so immutable) for prefix caching.</summary>
    public void CacheFullBlocks(Sequence seq)
    {
        if (!PrefixCaching) return;
        ulong hash = seq.ReleasedBlocks > 0 ? seq.ReleasedChainHash : ChainStart(seq);   // the chain continues past blocks the window released
        // Only tokens the sequence holds: draft tokens the target accepted join it after this, and are hashed next step.
        int full = Math.Min(Math.Min(seq.CachedTokens, seq.Length) / BlockSize, seq.BlockTable.Count);
        for (int i = seq.ReleasedBlocks; i < full; i++)
        {
            var block = _blocks[seq.BlockTable[i]];
            if (block.Hash is { } known) { hash = known; continue; }
            var tokens = seq.TokenIds.GetRange(i * BlockSize, BlockSize);
            hash = BlockHash(hash, tokens);
            block.Hash = hash;
            block.TokenIds = tokens.ToArray();
            _cached.TryAdd(hash, block);   // an identical block computed twice: the first one stays the cached copy
        }
    }

    /// <summary>Speculative decoding's rollback: frees the blocks that hold none of the first <paramref name="tokens"/> tokens
    /// (they held only rejected drafts, so were never full, hashed or shared).</summary>
    public void FreeBlocksAfter(Sequence seq, int tokens)
    {
        int keep = (tokens + BlockSize - 1) / BlockSize;
        for (int i = seq.BlockTable.Count - 1; i >= keep; i--)
        {
            Release(_blocks[seq.BlockTable[i]]);
            seq.BlockTable.RemoveAt(i);
        }
    }

    /// <summary>Under a sliding window: releases the blocks no later token of the sequence reads (after the step's full
    /// blocks were cached, so a released block stays revivable by its hash).</summary>
    public void ReleaseOutsideWindow(Sequence seq)
    {
        if (SlidingWindow == 0) return;
        int firstVisible = seq.CachedTokens - SlidingWindow + 1;   // the window of the next token, at position CachedTokens
        for (int b = seq.ReleasedBlocks; b < seq.BlockTable.Count && (b + 1) * BlockSize <= firstVisible; b++)
        {
            var block = _blocks[seq.BlockTable[b]];
            seq.ReleasedChainHash = block.Hash ?? 0;
            Release(block);
            seq.BlockTable[b] = -1;
            seq.ReleasedBlocks = b + 1;
        }
    }

    /// <summary>Releases the sequence's blocks (finish, abort or preemption); cached ones stay revivable.</summary>
    public void Free(Sequence seq)
    {
        for (int i = seq.BlockTable.Count - 1; i >= seq.ReleasedBlocks; i--) Release(_blocks[seq.BlockTable[i]]);
        seq.BlockTable.Clear();
        seq.CachedTokens = 0;
        seq.ReleasedBlocks = 0;
        seq.ReleasedChainHash = 0;
    }

    private void Release(KvBlock block)
    {
        if (--block.RefCount == 0) block.FreeNode = _free.AddLast(block);
    }

    private void Take(KvBlock block)
    {
        if (block.RefCount++ == 0)
        {
            _free.Remove(block.FreeNode!);
            block.FreeNode = null;
        }
    }

    /// <summary>Where a sequence's hash chain starts: its adapter's salt, so KV computed under one adapter (or none) is never
    /// shared with a sequence under another.</summary>
    private static ulong ChainStart(Sequence seq) => seq.Lora?.CacheSalt ?? 0;

    /// <summary>FNV-1a style chaining over the parent hash and the token ids; hits are confirmed by comparing tokens.</summary>
    internal static ulong BlockHash(ulong parent, List<int> tokens)
    {
        ulong h = 14695981039346656037UL ^ parent;
        h *= 1099511628211UL;
        foreach (int t in tokens)
        {
            h ^= (uint)t;
            h *= 1099511628211UL;
            h ^= h >> 29;
        }
        return h;
    }
}
