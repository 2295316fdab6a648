using Engine.Loading;

namespace Engine.Backends.Cpu;

/// <summary>
/// One layer's K or V cache in host memory, [slots, kvHeads * headDim] to the outside but stored per block and KV
/// head so that attention reads one contiguous run of blockSize × headDim floats per (block, head), not one
/// strided row per slot: values as [block][kvHead][slot][dim]; keys transposed inside the run,
/// [block][kvHead][dim][slot], so the scores of 16 consecutive slots are one vector of multiply-adds.
/// </summary>
internal sealed unsafe class CpuKvTensor : Tensor
{
    private readonly NativeBuffer _buffer;
    private readonly float* _data;

    public CpuKvTensor(int blocks, int blockSize, int kvHeads, int headDim, bool transposed)
        : base(blocks * blockSize, kvHeads * headDim, DType.F32, kvHeads * headDim)
    {
        (BlockSize, KvHeads, HeadDim, Transposed) = (blockSize, kvHeads, headDim, transposed);
        _buffer = new NativeBuffer((long)Rows * Cols * sizeof(float));
        _data = (float*)_buffer.Pointer;
    }

    public int BlockSize { get; }
    public int KvHeads { get; }
    public int HeadDim { get; }
    /// <summary>Keys: dim-major inside each (block, head) run.</summary>
    public bool Transposed { get; }

    /// <summary>The blockSize × headDim floats of one KV head in one block.</summary>
    public float* Run(int block, int kvHead) => _data + ((long)block * KvHeads + kvHead) * BlockSize * HeadDim;

    /// <summary>Stores the [kvHeads * headDim] row of one token in its slot.</summary>
    public void Write(int slot, float* row)
    {
        int block = slot / BlockSize, offset = slot % BlockSize;
        for (int head = 0; head < KvHeads; head++)
        {
            float* run = Run(block, head), source = row + head * HeadDim;
            if (Transposed)
                for (int d = 0; d < HeadDim; d++) run[d * BlockSize + offset] = source[d];
            else
                new ReadOnlySpan<float>(source, HeadDim).CopyTo(new Span<float>(run + offset * HeadDim, HeadDim));
        }
    }

    /// <summary>The row of one slot as written (for downloads and tests).</summary>
    public void Read(int slot, Span<float> row)
    {
        int block = slot / BlockSize, offset = slot % BlockSize;
        for (int head = 0; head < KvHeads; head++)
        {
            float* run = Run(block, head);
            for (int d = 0; d < HeadDim; d++)
                row[head * HeadDim + d] = Transposed ? run[d * BlockSize + offset] : run[offset * HeadDim + d];
        }
    }

    public override Tensor FirstRows(int rows) => throw new NotSupportedException("The KV cache has no row views.");

    public override Tensor Columns(int start, int count) => throw new NotSupportedException("The KV cache has no column views.");
}
