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

    /// <summary>Loads the module's adapter under its name; throws <see cref="LoraAdapterException"/> for a name already loaded
    /// or an adapter that cannot be served.</summary>
    public LoraAdapter Load(LoraModule module)
    {
        string duplicate = $"The lora adapter '{module.Name}' has already been loaded.";
        if (Find(module.Name) is not null) throw new LoraAdapterException(duplicate);
        LoraAdapter adapter;
        lock (backendGate) adapter = LoraAdapter.Load(module, model, maxRank, backend);
        lock (_adapters)
            if (!_adapters.TryAdd(module.Name, adapter)) throw new LoraAdapterException(duplicate);
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
