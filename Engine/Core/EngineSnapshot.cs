namespace Engine.Core;

/// <summary>Gauges and counters of the engine at one moment (for /metrics and the dashboard).</summary>
public readonly record struct EngineSnapshot(
    int Running,
    int Waiting,
    double KvCacheUsage,
    int FreeBlocks,
    int TotalBlocks,
    long PrefixQueryTokens,
    long PrefixHitTokens,
    long Preemptions);
