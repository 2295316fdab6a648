using ModelCacheService.Cache;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;
using ModelCacheService.Pulls;

namespace ModelCacheService.Api;

/// <summary>
/// The cache as a resource: GET /api/models (every cached model and snapshot), GET /api/models/{org}/{name}
/// (one snapshot: its path for the engine and a config summary), DELETE /api/models/{org}/{name}
/// (the whole model, or one snapshot with ?revision=), GET /api/cache/usage (disk usage).
/// </summary>
public static class ModelEndpoints
{
    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (CacheScanner scanner) =>
            Results.Json(new { @object = "list", data = scanner.ScanAll().Select(ModelListItem.From) }, JsonDefaults.Options));
        app.MapGet("/api/models/{org}/{name}", GetModel);
        app.MapDelete("/api/models/{org}/{name}", DeleteModelAsync);
        app.MapGet("/api/cache/usage", (CacheScanner scanner, HubSettings settings) =>
            Results.Json(DiskUsage.Measure(settings.CacheDirectory, scanner.ScanAll()), JsonDefaults.Options));
    }

    private static IResult GetModel(string org, string name, string? revision, CacheScanner scanner)
    {
        if (!RepoId.TryCreate(org, name, out var repo)) return ApiErrors.InvalidModel($"{org}/{name}");
        revision ??= RevisionName.Default;
        if (!RevisionName.IsValid(revision)) return ApiErrors.InvalidRevision(revision);
        var layout = scanner.Layout(repo.Value);
        var commit = Directory.Exists(layout.SnapshotsFolder) ? LocalRevisions.ResolveCommit(layout, revision) : null;
        if (commit is null) return NotCached(repo.Value, revision);
        return Results.Json(ModelInfo.From(repo.Value.ToString(), revision, scanner.ScanRevision(layout, commit)), JsonDefaults.Options);
    }

    private static async Task<IResult> DeleteModelAsync(string org, string name, string? revision, CacheScanner scanner, PullCoordinator pulls)
    {
        if (!RepoId.TryCreate(org, name, out var repo)) return ApiErrors.InvalidModel($"{org}/{name}");
        if (revision is not null && !RevisionName.IsValid(revision)) return ApiErrors.InvalidRevision(revision);
        var layout = scanner.Layout(repo.Value);
        if (!Directory.Exists(layout.SnapshotsFolder)) return NotCached(repo.Value, revision);
        if (await pulls.FindActiveAsync(repo.Value) is { } active)
            return ApiErrors.Conflict($"{repo} is being pulled ({active.Id}); delete it when the pull has finished.", "model", "pull_in_progress");

        DeleteResult result;
        if (revision is null)
        {
            result = ModelDeleter.DeleteRepo(layout);
        }
        else
        {
            var commit = LocalRevisions.ResolveCommit(layout, revision);
            if (commit is null) return NotCached(repo.Value, revision);
            result = ModelDeleter.DeleteRevision(layout, commit);
        }
        return Results.Json(new
        {
            id = repo.Value.ToString(),
            @object = "model",
            deleted = true,
            revision,
            deleted_commits = result.DeletedCommits,
            deleted_blobs = result.DeletedBlobs,
            freed_bytes = result.FreedBytes,
            repo_deleted = result.RepoDeleted,
        }, JsonDefaults.Options);
    }

    private static IResult NotCached(RepoId repo, string? revision) => ApiErrors.NotFound(
        $"{repo}{(revision is null ? "" : "@" + revision)} is not in the cache; pull it first with POST /api/models/pull.",
        "model", "model_not_found");
}
