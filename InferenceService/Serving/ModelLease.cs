using Engine.Lora;
using InferenceService.Api;

namespace InferenceService.Serving;

/// <summary>One request's hold on a ready model (or one of its LoRA adapters) (from <see cref="ModelRegistry.AcquireAsync"/>): while held, the model is
/// not idle (never evicted, and an unload waits for it). Disposing releases it, with the request's keep_alive if it gave one.</summary>
public sealed class ModelLease(ModelInstance instance, LoraAdapter? adapter = null) : IDisposable
{
    private (TimeSpan? Value, bool Given) _keepAlive;
    private int _disposed;

    public ServedModel Served { get; } = instance.Served!;

    /// <summary>The LoRA adapter the request named (null: the model itself).</summary>
    public LoraAdapter? Adapter { get; } = adapter;

    /// <summary>The name the request's answers carry: the adapter's, else the model's.</summary>
    public string ModelName => Adapter?.Name ?? Served.Name;

    /// <summary>The request's keep_alive (null: forever), applied to the model when the request ends.</summary>
    public void KeepAlive(TimeSpan? keepAlive) => _keepAlive = (keepAlive, true);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) instance.Release(_keepAlive.Value, _keepAlive.Given);
    }
}
