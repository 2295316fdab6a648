using System.Runtime.InteropServices;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Loading;

namespace Engine.Tests.Lora;

/// <summary>
/// The CPU backend's AddLoraDeltas against the formula in plain loops: several adapters of different ranks (one wider than
/// the stack buffer) on interleaved rows of one step, rows without an adapter left alone, the output a column slice of a
/// wider tensor (as gate|up is) whose other columns must not change.
/// </summary>
public class LoraDeltaOpTests
{
    private readonly Random _random = new(17);

    [Fact]
    public void EachRowGetsItsAdaptersDelta_AndNothingElseChanges()
    {
        const int rows = 11, input = 37, output = 29, wide = 45, offset = 9;
        (int Rank, int[] Rows, float Scale)[] adapters = [(1, [0, 4, 5], 2f), (5, [1, 7, 3, 10], 0.5f), (300, [8], -1.25f)];
        using var backend = new CpuBackend(2);
        var x = Values(rows * input);
        var target = Values(rows * wide);
        var downs = adapters.Select(a => Values(a.Rank * input)).ToArray();
        var ups = adapters.Select(a => Values(a.Rank * output)).ToArray();

        var xs = backend.Upload(Host(x, rows, input));
        var all = backend.Upload(Host(target, rows, wide));
        var deltas = adapters.Select((a, i) =>
            new LoraDelta(backend.Upload(Host(downs[i], a.Rank, input)), backend.Upload(Host(ups[i], a.Rank, output)), a.Rows, a.Scale)).ToArray();
        backend.AddLoraDeltas(xs, deltas, all.Columns(offset, output));

        var expected = target.Select(v => (double)v).ToArray();
        for (int i = 0; i < adapters.Length; i++)
        {
            var (rank, adapterRows, scale) = adapters[i];
            foreach (int row in adapterRows)
                for (int j = 0; j < rank; j++)
                {
                    double reduced = 0;
                    for (int k = 0; k < input; k++) reduced += (double)x[row * input + k] * downs[i][j * input + k];
                    for (int c = 0; c < output; c++) expected[row * wide + offset + c] += scale * reduced * ups[i][j * output + c];
                }
        }
        var actual = new float[rows * wide];
        backend.Download(all, actual);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                $"row {i / wide} column {i % wide}: {actual[i]} vs {expected[i]}");
        Assert.NotEqual(target[8 * wide + offset], actual[8 * wide + offset]);   // the deltas did land
    }

    [Fact]
    public void MismatchedShapes_AreRefused()
    {
        using var backend = new CpuBackend(1);
        var x = backend.Allocate(2, 8);
        var delta = new LoraDelta(backend.Allocate(4, 7), backend.Allocate(4, 6), [0], 1f);
        Assert.Throws<ArgumentException>(() => backend.AddLoraDeltas(x, [delta], backend.Allocate(2, 6)));
    }

    private float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(_random.NextDouble() * 2 - 1)).ToArray();

    private static unsafe HostTensor Host(float[] values, int rows, int cols)
    {
        var tensor = HostTensor.Allocate("t", DType.F32, [rows, cols]);
        Marshal.Copy(values, 0, (nint)tensor.Data, values.Length);
        return tensor;
    }
}
