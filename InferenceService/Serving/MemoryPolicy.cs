namespace InferenceService.Serving;

/// <summary>
/// The replica's memory policy: each model costs its weights plus its KV budget, and the loaded models' costs must sum to
/// at most --max-memory (default: the memory the runtime sees as available, less 10%). Before a load the weights are
/// estimated by the size of the model's weight files (.safetensors, .gguf; pulled repos once pulled) and the KV budget by
/// its kv_cache_memory (else 1 GiB, the most the CPU engine takes by default); once loaded both are measured.
/// </summary>
public static class MemoryPolicy
{
    /// <summary>The KV budget reserved for a model loaded without kv_cache_memory.</summary>
    public const long DefaultKvBytes = 1L << 30;

    public static long DefaultMaxMemory() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 10 * 9;

    /// <summary>Bytes of the weight files at <paramref name="path"/> (a .gguf or a folder of .safetensors / .gguf files).</summary>
    public static long WeightFileBytes(string path) =>
        File.Exists(path) ? new FileInfo(path).Length
        : Directory.Exists(path) ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".gguf", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length)
        : 0;

    /// <summary>The idle models to unload, least recently used first, so that <paramref name="needed"/> more bytes fit;
    /// null when even unloading every idle one would not make room.</summary>
    public static IReadOnlyList<ModelInstance>? Evictions(long needed, long maxMemory, IReadOnlyCollection<ModelInstance> others)
    {
        long free = maxMemory - others.Sum(m => m.MemoryBytes);
        var evicted = new List<ModelInstance>();
        foreach (var idle in others.Where(m => m.Idle).OrderBy(m => m.LastUsed))
        {
            if (free >= needed) break;
            evicted.Add(idle);
            free += idle.MemoryBytes;
        }
        return free >= needed ? evicted : null;
    }

    /// <summary>The 409's message: what is needed, what is free, and what each model holds.</summary>
    public static string Refusal(string name, long needed, long maxMemory, IReadOnlyCollection<ModelInstance> others)
    {
        long used = others.Sum(m => m.MemoryBytes);
        var usage = others.Where(m => m.MemoryBytes > 0)
            .Select(m => $"{m.Name}: {m.MemoryBytes} bytes ({m.State.ToString().ToLowerInvariant()}, {m.Running} requests running)");
        return $"The model '{name}' needs {needed} bytes (weights + KV) but only {Math.Max(0, maxMemory - used)} of --max-memory {maxMemory} bytes are free, " +
            $"and no idle model can be unloaded to make room. In use: {string.Join("; ", usage)}.";
    }
}
