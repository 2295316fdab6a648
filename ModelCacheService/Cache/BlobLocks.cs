using System.Collections.Concurrent;

namespace ModelCacheService.Cache;

/// <summary>
/// One download per blob at a time: a semaphore per lock file within this process, and an exclusive
/// lock on the file itself across processes (.NET takes it with flock, as Python's filelock does, so
/// huggingface_hub and other replicas on the same volume wait for each other too).
/// </summary>
public sealed class BlobLocks
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();

    public async Task<IAsyncDisposable> AcquireAsync(string lockPath, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            while (true)
            {
                try
                {
                    var file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Held(gate, file);
                }
                catch (IOException)
                {
                    await Task.Delay(PollInterval, ct); // Another process downloads this blob; wait for it.
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private sealed class Held(SemaphoreSlim gate, FileStream file) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await file.DisposeAsync();
            gate.Release();
        }
    }
}
