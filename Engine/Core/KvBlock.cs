namespace Engine.Core;

/// <summary>One KV cache block: who uses it, and (when full and hashed) which tokens it holds.</summary>
internal sealed class KvBlock(int id)
{
    public int Id { get; } = id;
    public int RefCount { get; set; }
    /// <summary>Prefix hash of a full block (hash of its parent's hash and its tokens); null while not cached.</summary>
    public ulong? Hash { get; set; }
    public int[] TokenIds { get; set; } = [];
    /// <summary>Its node in the free list while RefCount is 0, so a cache hit can revive it in O(1).</summary>
    public LinkedListNode<KvBlock>? FreeNode { get; set; }
}
