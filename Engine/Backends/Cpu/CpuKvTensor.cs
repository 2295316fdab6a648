using Engine.Loading;

namespace Engine.Backends.Cpu;

/// <summary>
/// One layer's K or V cache in host memory, [slots, kvHeads * headDim] to the outside but stored per block and KV
/// head so that attention reads one contiguous run of blockSize × headDim elements per (block, head), not one
/// strided row per slot: values as [block][kvHead][slot][dim]; keys transposed inside the run,
/// [block][kvHead][dim][slot], so the scores of 16 consecutive slots are one vector of multiply-adds. Elements are
/// stored as <see cref="ElementType"/> (--kv-cache-dtype); reads and downloads see floats.
/// </summary>
internal sealed unsafe class CpuKvTensor : Tensor
{
    private readonly NativeBuffer _buffer;
    private readonly byte* _data;

    public CpuKvTensor(int blocks, int blockSize, int kvHeads, int headDim, bool transposed, KvCacheDType elementType)
        : base(blocks * blockSize, kvHeads * headDim, DType.F32, kvHeads * headDim)
    {
        (BlockSize, KvHeads, HeadDim, Transposed, ElementType) = (blockSize, kvHeads, headDim, transposed, elementType);
        _buffer = new NativeBuffer((long)Rows * Cols * elementType.ElementBytes());
        _data = (byte*)_buffer.Pointer;
    }

    public int BlockSize { get; }
    public int KvHeads { get; }
    public int HeadDim { get; }
    /// <summary>Keys: dim-major inside each (block, head) run.</summary>
    public bool Transposed { get; }
    public KvCacheDType ElementType { get; }

    /// <summary>The blockSize × headDim elements of one KV head in one block.</summary>
    public byte* Run(int block, int kvHead) => _data + ((long)block * KvHeads + kvHead) * BlockSize * HeadDim * ElementType.ElementBytes();

    /// <summary>Stores the [kvHeads * headDim] row of one token in its slot, converted once for the whole row.</summary>
    public void Write(int slot, float* row)
    {
        int block = slot / BlockSize, offset = slot % BlockSize, size = ElementType.ElementBytes(), rowBytes = Cols * size;
        byte* encoded = stackalloc byte[rowBytes];
        KvConversions.Encode(ElementType, new ReadOnlySpan<float>(row, Cols), new Span<byte>(encoded, rowBytes));
        for (int head = 0; head < KvHeads; head++)
        {
            byte* run = Run(block, head), source = encoded + head * HeadDim * size;
            if (Transposed) Scatter(source, run + offset * size, size);
            else
                Buffer.MemoryCopy(source, run + offset * HeadDim * size, HeadDim * size, HeadDim * size);
        }
    }

    /// <summary>Element d of a head's row to d · BlockSize of its run (a typed store each: a copy call per element
    /// made writing the keys a twentieth of a 32-stream decode step).</summary>
    private void Scatter(byte* source, byte* destination, int size)
    {
        switch (size)
        {
            case 4: for (int d = 0; d < HeadDim; d++) ((uint*)destination)[d * BlockSize] = ((uint*)source)[d]; break;
            case 2: for (int d = 0; d < HeadDim; d++) ((ushort*)destination)[d * BlockSize] = ((ushort*)source)[d]; break;
            default: for (int d = 0; d < HeadDim; d++) destination[d * BlockSize] = source[d]; break;
        }
    }

    /// <summary>The row of one slot as floats (for downloads and tests).</summary>
    public void Read(int slot, Span<float> row)
    {
        int block = slot / BlockSize, offset = slot % BlockSize, size = ElementType.ElementBytes();
        Span<byte> element = stackalloc byte[size];
        for (int head = 0; head < KvHeads; head++)
        {
            byte* run = Run(block, head);
            for (int d = 0; d < HeadDim; d++)
            {
                int index = Transposed ? d * BlockSize + offset : offset * HeadDim + d;
                new ReadOnlySpan<byte>(run + index * size, size).CopyTo(element);
                KvConversions.Decode(ElementType, element, row.Slice(head * HeadDim + d, 1));
            }
        }
    }

    public override Tensor FirstRows(int rows) => throw new NotSupportedException("The KV cache has no row views.");

    public override Tensor Columns(int start, int count) => throw new NotSupportedException("The KV cache has no column views.");
}
