using ModelCacheService.Configuration;
using ModelCacheService.Hub;
using ModelCacheService.Pulls;

namespace ModelCacheService.Api;

/// <summary>
/// GET /api/models/{org}/{name}/files?revision=main: the repository's files at a revision as the hub lists them
/// (path and size), read before pulling so a client can choose what to pull (a .gguf quantization, "include" patterns).
/// </summary>
public static class HubFilesEndpoint
{
    public static void MapHubFilesEndpoint(this IEndpointRouteBuilder app) => app.MapGet("/api/models/{org}/{name}/files", ListAsync);

    private static async Task<IResult> ListAsync(string org, string name, string? revision, HubClient hub, HubSettings settings, CancellationToken ct)
    {
        if (!RepoId.TryCreate(org, name, out var repo)) return ApiErrors.InvalidModel($"{org}/{name}");
        revision ??= RevisionName.Default;
        if (!RevisionName.IsValid(revision)) return ApiErrors.InvalidRevision(revision);
        if (settings.Offline)
            return ApiErrors.Result(StatusCodes.Status409Conflict, new ErrorDetail(
                "HF_HUB_OFFLINE is set: the hub's file list cannot be read; see the cached files with GET /api/models.", "invalid_request_error", null, "offline"));
        try
        {
            var files = await hub.GetRevisionAsync(repo.Value, revision, ct);
            return Results.Json(new
            {
                @object = "list",
                model = repo.Value.ToString(),
                revision,
                commit = files.Commit,
                data = files.Files.Select(f => new { path = f.Path, size = f.Size }),
            }, JsonDefaults.Options);
        }
        catch (PullFailedException e)
        {
            return ApiErrors.Result(e.Error.Code switch
            {
                "repo_not_found" or "revision_not_found" => StatusCodes.Status404NotFound,
                "unauthorized" or "gated_repo" when e.Error.Type == "authentication_error" => StatusCodes.Status401Unauthorized,
                "invalid_token" => StatusCodes.Status401Unauthorized,
                "gated_repo" => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status502BadGateway,
            }, e.Error);
        }
    }
}
