namespace InferenceService.Api;

/// <summary>The API's paths (vLLM's): what --api-key protects and what a draining replica refuses. Probes (/health, /alive),
/// scrapes (/metrics) and / stay open.</summary>
public static class ApiPaths
{
    public static bool Contains(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/tokenize") || path.StartsWithSegments("/detokenize");
}
