namespace InferenceService.Serving;

/// <summary>Where a model is in its life, as GET /admin/models shows it (lower case).</summary>
public enum ModelState
{
    /// <summary>Its repo is being pulled through the model cache.</summary>
    Pulling,
    /// <summary>Its engine is being built (weights read, KV cache allocated).</summary>
    Loading,
    Ready,
    /// <summary>Being unloaded: new requests refused, running ones finishing within the grace period.</summary>
    Draining,
    /// <summary>The pull or load failed (the entry keeps the error until it is deleted or loaded again).</summary>
    Failed,
    /// <summary>Unloaded by LRU eviction or keep_alive: not in memory; --load-on-demand loads it again on a request.</summary>
    Unloaded,
}
