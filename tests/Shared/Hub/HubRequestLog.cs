using System.Collections.Concurrent;

namespace Tests.Shared;

/// <summary>
/// A request the fake hub or CDN received: which server, what, with which Range and Authorization, and the
/// status it answered (0 until the response starts).
/// </summary>
public sealed record RecordedRequest(string Server, string Method, string Path, string? Range, string? Authorization)
{
    private int _status;

    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }
}

/// <summary>Every request the fake hub and CDN received, in order.</summary>
public sealed class HubRequestLog
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> All => _requests.ToArray();

    public void Add(RecordedRequest request) => _requests.Enqueue(request);

    public IReadOnlyList<RecordedRequest> Where(string server, string method, string pathPrefix) =>
        All.Where(r => r.Server == server && r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    public void Clear() => _requests.Clear();

    public override string ToString() =>
        string.Join('\n', All.Select(r => $"{r.Server} {r.Method} {r.Path} range={r.Range ?? "-"} auth={(r.Authorization is null ? "-" : "yes")} -> {r.Status}"));
}
