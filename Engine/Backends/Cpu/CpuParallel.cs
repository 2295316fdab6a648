using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Engine.Backends.Cpu;

/// <summary>
/// Runs the work items of one op on all cores with dedicated worker threads. A decode step issues ~100 small
/// ops; waking thread-pool workers for each costs more than the work, so workers spin briefly between ops
/// and only block after a quiet spell. The calling thread takes items too.
/// </summary>
internal sealed class CpuParallel : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 500;   // 2 ms of spinning before blocking
    private readonly object _lock = new();
    private readonly Thread[] _workers;
    private Action<int>? _body;
    private int _count, _next, _busyWorkers;
    private long _generation;
    private volatile bool _disposed;
    private Exception? _error;

    public CpuParallel(int threads)
    {
        Threads = Math.Max(1, threads);
        _workers = new Thread[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"cpu-backend-{i + 1}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    public void For(int count, Action<int> body)
    {
        if (count <= 1 || _workers.Length == 0)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        _body = body;
        _count = count;
        _next = 0;
        _error = null;
        Volatile.Write(ref _busyWorkers, _workers.Length);
        lock (_lock)
        {
            _generation++;
            Monitor.PulseAll(_lock);
        }
        Drain();
        var spin = new SpinWait();
        while (Volatile.Read(ref _busyWorkers) != 0) spin.SpinOnce(sleep1Threshold: -1);
        _body = null;
        if (_error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private void Drain()
    {
        var body = _body!;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _count)
        {
            try { body(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
        }
    }

    private void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen && !_disposed && Stopwatch.GetTimestamp() - start < SpinTicks)
                Thread.SpinWait(30);
            lock (_lock)
            {
                while (_generation == seen && !_disposed) Monitor.Wait(_lock);
                if (_disposed) return;
                seen = _generation;
            }
            Drain();
            Interlocked.Decrement(ref _busyWorkers);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Monitor.PulseAll(_lock);
        }
    }
}
