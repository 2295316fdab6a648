using InferenceService.Api;

namespace InferenceService.Serving;

/// <summary>One request's hold on a ready model (from <see cref="ModelRegistry.AcquireAsync"/>): while held, the model is
/// not idle (never evicted, and an unload waits for it). Disposing releases it, with the request's keep_alive if it gave one.</summary>
public sealed class ModelLease(ModelInstance instance) : IDisposable
{
    private (TimeSpan? Value, bool Given) _keepAlive;
    private int _disposed;

    public ServedModel Served { get; } = instance.Served!;

    /// <summary>The request's keep_alive (null: forever), applied to the model when the request ends.</summary>
    public void KeepAlive(TimeSpan? keepAlive) => _keepAlive = (keepAlive, true);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) instance.Release(_keepAlive.Value, _keepAlive.Given);
    }
}
