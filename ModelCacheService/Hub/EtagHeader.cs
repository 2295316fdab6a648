namespace ModelCacheService.Hub;

/// <summary>huggingface_hub's _normalize_etag: drops a weak marker (W/) and the surrounding quotes.</summary>
public static class EtagHeader
{
    public static string? Normalize(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Trim('"');
    }
}
