using Engine.Backends;
using Engine.Models;

namespace Engine.Lora;

/// <summary>
/// The adapters an engine serves, by name. Loading reads, checks and uploads an adapter while the step loop is kept
/// off the backend (<paramref name="backendGate"/>); unloading only forgets the name: sequences already running with
/// the adapter keep their reference to it and finish with it.
/// </summary>
public sealed class LoraRegistry(ModelConfig model, IComputeBackend backend, int maxRank, object backendGate)
{
    private readonly Dictionary<string, LoraAdapter> _adapters = new(StringComparer.Ordinal);

    public int MaxRank => maxRank;

    /// <summary>Loads the adapter at <paramref name="path"/> as <paramref name="name"/>; throws <see cref="LoraAdapterException"/>
    /// for a name already loaded or an adapter that cannot be served.</summary>
    public LoraAdapter Load(string name, string path)
    {
        if (Find(name) is not null) throw new LoraAdapterException($"The lora adapter '{name}' has already been loaded.");
        LoraAdapter adapter;
        lock (backendGate) adapter = LoraAdapter.Load(name, path, model, maxRank, backend);
        lock (_adapters)
            if (!_adapters.TryAdd(name, adapter)) throw new LoraAdapterException($"The lora adapter '{name}' has already been loaded.");
        return adapter;
    }

    /// <summary>Forgets the adapter; false when no adapter has that name.</summary>
    public bool Unload(string name)
    {
        lock (_adapters) return _adapters.Remove(name);
    }

    public LoraAdapter? Find(string name)
    {
        lock (_adapters) return _adapters.GetValueOrDefault(name);
    }

    /// <summary>The loaded adapters, in name order.</summary>
    public IReadOnlyList<LoraAdapter> Loaded
    {
        get
        {
            lock (_adapters) return [.. _adapters.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];
        }
    }
}
