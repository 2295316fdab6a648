using System.Text.Json;
using ModelCacheService.Hub;

namespace ModelCacheService.Api;

/// <summary>The body of POST /api/models/pull: {"model": "org/name", "revision": "main"} (revision optional).</summary>
public sealed record PullRequestBody(string? Model, string? Revision)
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>The validated request, or the 400 answer that says what is wrong with it.</summary>
    public static async Task<(RepoId Repo, string Revision, IResult? Error)> ReadAsync(HttpRequest request)
    {
        PullRequestBody? body;
        try
        {
            if (request.ContentLength > MaxBodyBytes) return (default, "", ApiErrors.BadRequest("The request body is too large.", null, "body_too_large"));
            body = await JsonSerializer.DeserializeAsync<PullRequestBody>(request.Body, JsonDefaults.Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return (default, "", ApiErrors.BadRequest($"The body is not valid JSON: {e.Message}", null, "invalid_json"));
        }
        if (body is null) return (default, "", ApiErrors.BadRequest("The body must be a JSON object like {\"model\": \"org/name\"}.", null, "invalid_json"));
        if (string.IsNullOrWhiteSpace(body.Model)) return (default, "", ApiErrors.BadRequest("'model' is required, e.g. \"karpathy/stories260K\".", "model", "missing_model"));
        if (!RepoId.TryParse(body.Model.Trim(), out var repo)) return (default, "", ApiErrors.InvalidModel(body.Model));
        var revision = string.IsNullOrWhiteSpace(body.Revision) ? RevisionName.Default : body.Revision.Trim();
        if (!RevisionName.IsValid(revision)) return (default, "", ApiErrors.InvalidRevision(body.Revision));
        return (repo.Value, revision, null);
    }
}
