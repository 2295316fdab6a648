namespace Tests.Shared;

/// <summary>The hub's header names, spelled out here independently of the service's code.</summary>
public static class HubHeaderNames
{
    public const string RepoCommit = "X-Repo-Commit";
    public const string LinkedEtag = "X-Linked-Etag";
    public const string LinkedSize = "X-Linked-Size";
    public const string ErrorCode = "X-Error-Code";
    public const string ErrorMessage = "X-Error-Message";
}
