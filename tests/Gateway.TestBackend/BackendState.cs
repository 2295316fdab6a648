using System.Collections.Concurrent;

namespace Gateway.TestBackend;

/// <summary>The backend's identity, switches and what it has received (for tests to check independently of the gateway).</summary>
public sealed class BackendState(string name, IReadOnlyList<string> models, bool record)
{
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holds = new();

    public string Name { get; } = name;
    public IReadOnlyList<string> Models { get; } = models;
    public volatile bool Healthy = true;
    private int _closeWithoutAnswer;

    /// <summary>The next <paramref name="count"/> completion requests are dropped without an answer (a stale connection).</summary>
    public void CloseWithoutAnswer(int count) => Interlocked.Exchange(ref _closeWithoutAnswer, count);

    public bool TakeCloseWithoutAnswer()
    {
        while (true)
        {
            var left = Volatile.Read(ref _closeWithoutAnswer);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _closeWithoutAnswer, left - 1, left) == left) return true;
        }
    }

    public IReadOnlyCollection<ReceivedRequest> Received => _received.ToArray();

    public void Record(ReceivedRequest request)
    {
        if (record) _received.Enqueue(request);
    }

    /// <summary>Waits until a test releases the request with this id (POST /test/release/{id}).</summary>
    public Task WaitForReleaseAsync(string id, CancellationToken cancellationToken) =>
        _holds.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancellationToken);

    public void Release(string id) =>
        _holds.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
