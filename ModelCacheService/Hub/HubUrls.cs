namespace ModelCacheService.Hub;

/// <summary>The hub's addresses, built like huggingface_hub's hf_hub_url and model_info.</summary>
public static class HubUrls
{
    /// <summary>GET: commit and file list of a revision; blobs=true adds sizes, blob ids and LFS sha256.</summary>
    public static Uri Revision(Uri endpoint, RepoId repo, string revision) =>
        new($"{Base(endpoint)}/api/models/{repo.Org}/{repo.Name}/revision/{Uri.EscapeDataString(revision)}?blobs=true");

    /// <summary>HEAD/GET: one file at a revision (small files inline, LFS files redirect to the CDN).</summary>
    public static Uri Resolve(Uri endpoint, RepoId repo, string revision, string path) =>
        new($"{Base(endpoint)}/{repo.Org}/{repo.Name}/resolve/{Uri.EscapeDataString(revision)}/{EscapePath(path)}");

    /// <summary>The model page a user opens to accept a licence.</summary>
    public static string ModelPage(Uri endpoint, RepoId repo) => $"{Base(endpoint)}/{repo}";

    /// <summary>True when <paramref name="address"/> is on the hub itself (same scheme, host and port): only there may the token go.</summary>
    public static bool IsOnHub(Uri endpoint, Uri address) =>
        Uri.Compare(endpoint, address, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string Base(Uri endpoint) => endpoint.ToString().TrimEnd('/');

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
