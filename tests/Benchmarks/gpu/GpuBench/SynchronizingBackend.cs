using Engine.Backends;
using Engine.Loading;

namespace GpuBench;

/// <summary>For --profile: waits for the device after every op, so <see cref="ProfilingBackend"/> (host timers)
/// sees each op's device time instead of its launch time. Slower overall; only for finding where time goes.</summary>
public sealed class SynchronizingBackend(IComputeBackend inner) : IComputeBackend
{
    public string Name => inner.Name;

    private void Wait() => Backends.Synchronize(inner);

    public Tensor LoadMatrix(DType storage, params HostTensor[] rowBlocks) => inner.LoadMatrix(storage, rowBlocks);
    public Tensor Upload(HostTensor data) => inner.Upload(data);
    public Tensor Allocate(int rows, int cols) => inner.Allocate(rows, cols);
    public KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim, KvCacheDType dtype = KvCacheDType.Float32) =>
        inner.AllocateKvCache(layers, blockCount, blockSize, kvHeads, headDim, dtype);
    public long? KvCacheBudget() => inner.KvCacheBudget();
    public void BeginStep(ForwardBatch batch) { inner.BeginStep(batch); Wait(); }
    public void Embed(Tensor table, Tensor output) { inner.Embed(table, output); Wait(); }
    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output) { inner.RmsNorm(x, weight, eps, output); Wait(); }
    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output) { inner.MatMul(x, weight, bias, output); Wait(); }
    public void Rope(Tensor x, RotaryTable rope) { inner.Rope(x, rope); Wait(); }
    public void WriteKv(Tensor k, Tensor v, KvCache cache, int layer) { inner.WriteKv(k, v, cache, layer); Wait(); }
    public void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output) { inner.Attention(q, cache, layer, shape, output); Wait(); }
    public void SiluMul(Tensor gateUp, Tensor output) { inner.SiluMul(gateUp, output); Wait(); }
    public void GeluTanhMul(Tensor gateUp, Tensor output) { inner.GeluTanhMul(gateUp, output); Wait(); }
    public void Scale(Tensor x, float factor) { inner.Scale(x, factor); Wait(); }
    public void SoftCap(Tensor x, float cap) { inner.SoftCap(x, cap); Wait(); }
    public void Add(Tensor x, Tensor y) { inner.Add(x, y); Wait(); }
    public void GatherLogitRows(Tensor x, Tensor output) { inner.GatherLogitRows(x, output); Wait(); }
    public void GatherRows(Tensor x, ReadOnlySpan<int> rows, Tensor output) { inner.GatherRows(x, rows, output); Wait(); }
    public void AddScaledRows(Tensor x, Tensor y, ReadOnlySpan<int> rows, ReadOnlySpan<float> weights) { inner.AddScaledRows(x, y, rows, weights); Wait(); }
    public void AddLoraDeltas(Tensor x, IReadOnlyList<LoraDelta> deltas, Tensor output) { inner.AddLoraDeltas(x, deltas, output); Wait(); }
    public void Download(Tensor source, Span<float> destination) => inner.Download(source, destination);
    public void ArgMax(Tensor source, Span<int> destination) => inner.ArgMax(source, destination);
    public void Dispose() => inner.Dispose();
}
