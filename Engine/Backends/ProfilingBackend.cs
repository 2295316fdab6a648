using System.Diagnostics;
using Engine.Loading;

namespace Engine.Backends;

/// <summary>Wraps a backend and adds up the wall time of each op (bench --profile): where the step's time goes.</summary>
public sealed class ProfilingBackend(IComputeBackend inner) : IComputeBackend
{
    private readonly Dictionary<string, (TimeSpan Time, long Calls)> _totals = new();

    public string Name => inner.Name;

    /// <summary>A copy of the totals so far (the engine thread keeps adding while others read or reset).</summary>
    public IReadOnlyDictionary<string, (TimeSpan Time, long Calls)> Totals
    {
        get { lock (_totals) return new Dictionary<string, (TimeSpan, long)>(_totals); }
    }

    public void Reset()
    {
        lock (_totals) _totals.Clear();
    }

    private void Time(string op, Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        Add(op, Stopwatch.GetElapsedTime(start));
    }

    private void Add(string op, TimeSpan elapsed)
    {
        lock (_totals) _totals[op] = _totals.TryGetValue(op, out var t) ? (t.Time + elapsed, t.Calls + 1) : (elapsed, 1);
    }

    public Tensor LoadMatrix(DType storage, params HostTensor[] rowBlocks) => inner.LoadMatrix(storage, rowBlocks);
    public Tensor Upload(HostTensor data) => inner.Upload(data);
    public Tensor Allocate(int rows, int cols) => inner.Allocate(rows, cols);
    public KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim, KvCacheDType dtype = KvCacheDType.Float32) =>
        inner.AllocateKvCache(layers, blockCount, blockSize, kvHeads, headDim, dtype);
    public void BeginStep(ForwardBatch batch) => Time("begin-step", () => inner.BeginStep(batch));
    public void Embed(Tensor table, Tensor output) => Time("embed", () => inner.Embed(table, output));
    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output) => Time("rmsnorm", () => inner.RmsNorm(x, weight, eps, output));
    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output) =>
        Time($"matmul {weight.Rows}x{weight.Cols}", () => inner.MatMul(x, weight, bias, output));
    public void Rope(Tensor x, RotaryTable rope) => Time("rope", () => inner.Rope(x, rope));
    public void WriteKv(Tensor k, Tensor v, KvCache cache, int layer) => Time("write-kv", () => inner.WriteKv(k, v, cache, layer));
    public void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output) =>
        Time("attention", () => inner.Attention(q, cache, layer, shape, output));
    public void SiluMul(Tensor gateUp, Tensor output) => Time("silu-mul", () => inner.SiluMul(gateUp, output));
    public void Add(Tensor x, Tensor y) => Time("add", () => inner.Add(x, y));
    public void GatherLogitRows(Tensor x, Tensor output) => Time("gather", () => inner.GatherLogitRows(x, output));
    public void Download(Tensor source, Span<float> destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Download(source, destination);
        Add("download", Stopwatch.GetElapsedTime(start));
    }

    public void ArgMax(Tensor source, Span<int> destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.ArgMax(source, destination);
        Add("argmax", Stopwatch.GetElapsedTime(start));
    }

    public long? KvCacheBudget() => inner.KvCacheBudget();

    public void Dispose() => inner.Dispose();
}
