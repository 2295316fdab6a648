namespace Engine.Backends;

/// <summary>
/// The paged KV cache: per layer a K and a V tensor of [blocks * blockSize, kvHeads * headDim] as seen through
/// WriteKv and Download: row r is cache slot r; block b owns slots b*blockSize .. b*blockSize+blockSize-1.
/// How a backend lays the slots out in its memory is its own choice; elements are stored as <see cref="DType"/>.
/// </summary>
public sealed class KvCache(Tensor[] keys, Tensor[] values, int blockSize, KvCacheDType dtype = KvCacheDType.Float32)
{
    public Tensor[] Keys { get; } = keys;
    public Tensor[] Values { get; } = values;
    public int BlockSize { get; } = blockSize;
    public KvCacheDType DType { get; } = dtype;

    /// <summary>Bytes per block over all layers (K and V), for sizing the pool from a memory budget.</summary>
    public static long BytesPerBlock(int layers, int blockSize, int kvHeads, int headDim, KvCacheDType dtype) =>
        2L * layers * blockSize * kvHeads * headDim * dtype.ElementBytes();
}
