using System.Diagnostics;

namespace Engine.Backends;

/// <summary>Wraps a backend and adds up the wall time of each op (bench --profile): where the step's time goes.</summary>
public sealed class ProfilingBackend(IComputeBackend inner) : DelegatingBackend(inner)
{
    private readonly Dictionary<string, (TimeSpan Time, long Calls)> _totals = new();

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

    public override void BeginStep(ForwardBatch batch) => Time("begin-step", () => Inner.BeginStep(batch));
    public override void Embed(Tensor table, Tensor output) => Time("embed", () => Inner.Embed(table, output));
    public override void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output) => Time("rmsnorm", () => Inner.RmsNorm(x, weight, eps, output));
    public override void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output) =>
        Time($"matmul {weight.Rows}x{weight.Cols}", () => Inner.MatMul(x, weight, bias, output));
    public override void Rope(Tensor x, RotaryTable rope) => Time("rope", () => Inner.Rope(x, rope));
    public override void WriteKv(Tensor k, Tensor v, KvCache cache, int layer) => Time("write-kv", () => Inner.WriteKv(k, v, cache, layer));
    public override void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output) =>
        Time("attention", () => Inner.Attention(q, cache, layer, shape, output));
    public override void SiluMul(Tensor gateUp, Tensor output) => Time("silu-mul", () => Inner.SiluMul(gateUp, output));
    public override void GeluTanhMul(Tensor gateUp, Tensor output) => Time("gelu-tanh-mul", () => Inner.GeluTanhMul(gateUp, output));
    public override void Scale(Tensor x, float factor) => Time("scale", () => Inner.Scale(x, factor));
    public override void SoftCap(Tensor x, float cap) => Time("soft-cap", () => Inner.SoftCap(x, cap));
    public override void Add(Tensor x, Tensor y) => Time("add", () => Inner.Add(x, y));
    public override void GatherLogitRows(Tensor x, Tensor output) => Time("gather", () => Inner.GatherLogitRows(x, output));
    public override void GatherRows(Tensor x, ReadOnlySpan<int> rows, Tensor output)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.GatherRows(x, rows, output);
        Add("expert-gather", Stopwatch.GetElapsedTime(start));
    }

    public override void AddScaledRows(Tensor x, Tensor y, ReadOnlySpan<int> rows, ReadOnlySpan<float> weights)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.AddScaledRows(x, y, rows, weights);
        Add("expert-add", Stopwatch.GetElapsedTime(start));
    }

    public override void AddLoraDeltas(Tensor x, IReadOnlyList<LoraDelta> deltas, Tensor output) =>
        Time("lora", () => Inner.AddLoraDeltas(x, deltas, output));

    public override void Download(Tensor source, Span<float> destination)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.Download(source, destination);
        Add("download", Stopwatch.GetElapsedTime(start));
    }

    public override void ArgMax(Tensor source, Span<int> destination)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.ArgMax(source, destination);
        Add("argmax", Stopwatch.GetElapsedTime(start));
    }
}
