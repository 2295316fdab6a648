using System.Buffers;
using System.Numerics.Tensors;
using Engine.Loading;

namespace Engine.Backends;

/// <summary>
/// Everything the model computes, as backend ops over backend-owned tensors. The CPU backend runs them
/// with SIMD on all cores; a GPU backend runs the same ops as kernels on device memory. Ops that need
/// per-token data (ids, positions, slots, block tables) read the batch given to <see cref="BeginStep"/>.
/// </summary>
public interface IComputeBackend : IDisposable
{
    string Name { get; }

    /// <summary>Uploads a weight matrix for <see cref="MatMul"/> and <see cref="Embed"/>, concatenating
    /// <paramref name="rowBlocks"/> along rows (fused q|k|v, gate|up), stored as <paramref name="storage"/>
    /// where the backend supports it, in whatever layout its kernels read fastest.</summary>
    Tensor LoadMatrix(DType storage, params HostTensor[] rowBlocks);

    /// <summary>Uploads plain F32 data (norm weights, biases, rotary tables), row-major.</summary>
    Tensor Upload(HostTensor data);

    /// <summary>An F32 activation buffer.</summary>
    Tensor Allocate(int rows, int cols);

    /// <summary>The paged KV cache, its elements stored as <paramref name="dtype"/> (--kv-cache-dtype).</summary>
    KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim, KvCacheDType dtype = KvCacheDType.Float32);

    /// <summary>Makes <paramref name="batch"/> the input of the following ops (a GPU copies it to the device once).</summary>
    void BeginStep(ForwardBatch batch);

    /// <summary>output[t] = table[tokenId[t]].</summary>
    void Embed(Tensor table, Tensor output);

    /// <summary>output = x / rms(x) * weight, per group of weight.Cols columns (a whole row, or one head for q/k norm).</summary>
    void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output);

    /// <summary>output = x · weightᵀ (+ bias): x [n, in], weight [out, in], output [n, out].</summary>
    void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output);

    /// <summary>Rotary embedding in place (rotate-half layout) at each token's position; x holds whole heads of headDim.</summary>
    void Rope(Tensor x, RotaryTable rope);

    /// <summary>Writes each token's K and V row into its cache slot.</summary>
    void WriteKv(Tensor k, Tensor v, KvCache cache, int layer);

    /// <summary>Causal paged attention: token t at position p attends to positions 0..p of its sequence.</summary>
    void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output);

    /// <summary>output = silu(gate) * up, where gateUp = [gate | up] along columns.</summary>
    void SiluMul(Tensor gateUp, Tensor output);

    /// <summary>output = gelu_tanh(gate) * up, where gateUp = [gate | up] along columns (Gemma's GeGLU):
    /// gelu_tanh(g) = g/2 · (1 + tanh(sqrt(2/π) · (g + 0.044715 g³))).</summary>
    void GeluTanhMul(Tensor gateUp, Tensor output);

    /// <summary>x *= factor.</summary>
    void Scale(Tensor x, float factor);

    /// <summary>x = tanh(x / cap) · cap (Gemma's logit soft-capping).</summary>
    void SoftCap(Tensor x, float cap);

    /// <summary>x += y.</summary>
    void Add(Tensor x, Tensor y);

    /// <summary>output[i] = x[LogitTokenIndices[i]].</summary>
    void GatherLogitRows(Tensor x, Tensor output);

    /// <summary>output[i] = x[rows[i]] (the tokens routed to one expert).</summary>
    void GatherRows(Tensor x, ReadOnlySpan<int> rows, Tensor output);

    /// <summary>x[rows[i]] += weights[i] · y[i] (an expert's outputs back into the residual, by routing weight); rows distinct.</summary>
    void AddScaledRows(Tensor x, Tensor y, ReadOnlySpan<int> rows, ReadOnlySpan<float> weights);

    /// <summary>output[row] += scale · (x[row] · Downᵀ) · Up for every row of every delta (the step's LoRA adapters on one
    /// projection, all in one op); no row is in two deltas.</summary>
    void AddLoraDeltas(Tensor x, IReadOnlyList<LoraDelta> deltas, Tensor output);

    /// <summary>Copies an F32 tensor to host memory (the step's only device-to-host transfer: logits or sampled ids).</summary>
    void Download(Tensor source, Span<float> destination);

    /// <summary>destination[r] = index of the largest value of row r, the lowest on ties (greedy sampling). A GPU
    /// computes it on the device so only the ids cross to the host; the default downloads the rows.</summary>
    void ArgMax(Tensor source, Span<int> destination)
    {
        int count = source.Rows * source.Cols;
        var host = ArrayPool<float>.Shared.Rent(Math.Max(count, 1));
        try
        {
            Download(source, host.AsSpan(0, count));
            for (int row = 0; row < source.Rows; row++) destination[row] = TensorPrimitives.IndexOfMax(host.AsSpan(row * source.Cols, source.Cols));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(host);
        }
    }

    /// <summary>Bytes the KV cache may take when --kv-cache-memory is not given, decided once the model is loaded
    /// (a GPU: a fraction of its free memory); null leaves it to the engine's default.</summary>
    long? KvCacheBudget() => null;
}
