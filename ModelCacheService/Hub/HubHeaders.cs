namespace ModelCacheService.Hub;

/// <summary>Header names of the hub protocol (huggingface_hub's constants).</summary>
public static class HubHeaders
{
    public const string RepoCommit = "X-Repo-Commit";
    public const string LinkedEtag = "X-Linked-Etag";
    public const string LinkedSize = "X-Linked-Size";
    public const string ErrorCode = "X-Error-Code";
    public const string ErrorMessage = "X-Error-Message";
}
