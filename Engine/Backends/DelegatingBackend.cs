using Engine.Loading;

namespace Engine.Backends;

/// <summary>A backend that hands every op to another: the base of wrappers that add something around some ops.</summary>
public abstract class DelegatingBackend(IComputeBackend inner) : IComputeBackend
{
    protected IComputeBackend Inner { get; } = inner;

    public virtual string Name => Inner.Name;
    public virtual Tensor LoadMatrix(DType storage, params HostTensor[] rowBlocks) => Inner.LoadMatrix(storage, rowBlocks);
    public virtual Tensor Upload(HostTensor data) => Inner.Upload(data);
    public virtual Tensor Allocate(int rows, int cols) => Inner.Allocate(rows, cols);
    public virtual KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim, KvCacheDType dtype = KvCacheDType.Float32) =>
        Inner.AllocateKvCache(layers, blockCount, blockSize, kvHeads, headDim, dtype);
    public virtual void BeginStep(ForwardBatch batch) => Inner.BeginStep(batch);
    public virtual void Embed(Tensor table, Tensor output) => Inner.Embed(table, output);
    public virtual void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output) => Inner.RmsNorm(x, weight, eps, output);
    public virtual void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output) => Inner.MatMul(x, weight, bias, output);
    public virtual void Rope(Tensor x, RotaryTable rope) => Inner.Rope(x, rope);
    public virtual void WriteKv(Tensor k, Tensor v, KvCache cache, int layer) => Inner.WriteKv(k, v, cache, layer);
    public virtual void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output) => Inner.Attention(q, cache, layer, shape, output);
    public virtual void SiluMul(Tensor gateUp, Tensor output) => Inner.SiluMul(gateUp, output);
    public virtual void GeluTanhMul(Tensor gateUp, Tensor output) => Inner.GeluTanhMul(gateUp, output);
    public virtual void Scale(Tensor x, float factor) => Inner.Scale(x, factor);
    public virtual void SoftCap(Tensor x, float cap) => Inner.SoftCap(x, cap);
    public virtual void Add(Tensor x, Tensor y) => Inner.Add(x, y);
    public virtual void GatherLogitRows(Tensor x, Tensor output) => Inner.GatherLogitRows(x, output);
    public virtual void GatherRows(Tensor x, ReadOnlySpan<int> rows, Tensor output) => Inner.GatherRows(x, rows, output);
    public virtual void AddScaledRows(Tensor x, Tensor y, ReadOnlySpan<int> rows, ReadOnlySpan<float> weights) => Inner.AddScaledRows(x, y, rows, weights);
    public virtual void AddLoraDeltas(Tensor x, IReadOnlyList<LoraDelta> deltas, Tensor output) => Inner.AddLoraDeltas(x, deltas, output);
    public virtual void Download(Tensor source, Span<float> destination) => Inner.Download(source, destination);
    public virtual void ArgMax(Tensor source, Span<int> destination) => Inner.ArgMax(source, destination);
    public virtual long? KvCacheBudget() => Inner.KvCacheBudget();

    public void Dispose() => Inner.Dispose();
}
