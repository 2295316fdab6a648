namespace Inference.Engine.Backends.Cpu;

/// <summary>Runs independent work items on a fixed number of threads (Parallel.For with a bounded degree).</summary>
internal sealed class CpuParallel(int threads) : IDisposable
{
    private readonly ParallelOptions _options = new() { MaxDegreeOfParallelism = threads };

    public int Threads { get; } = threads;

    public void For(int count, Action<int> body)
    {
        if (count == 1 || Threads == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, _options, body);
    }

    public void Dispose() { }
}
