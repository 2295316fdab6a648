using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCacheService.Hub;
using ModelCacheService.Pulls;

namespace ModelCacheService.Api;

/// <summary>The body of POST /api/models/pull: {"model": "org/name", "revision": "main"} (revision optional), and
/// optionally which files (<see cref="PullSelection"/>): "include": ["*.json", "*Q4_K_M*.gguf"] or "gguf": "Q4_K_M"
/// (a quantization tag or a .gguf file name), not both. Unknown fields are refused.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PullRequestBody(string? Model, string? Revision, IReadOnlyList<string>? Include, string? Gguf)
{
    private const int MaxBodyBytes = 64 * 1024;
    private const int MaxPatterns = 64, MaxPatternLength = 512;

    /// <summary>The validated request, or the 400 answer that says what is wrong with it.</summary>
    public static async Task<(RepoId Repo, string Revision, PullSelection Selection, IResult? Error)> ReadAsync(HttpRequest request)
    {
        PullRequestBody? body;
        try
        {
            if (request.ContentLength > MaxBodyBytes) return (default, "", PullSelection.Everything, ApiErrors.BadRequest("The request body is too large.", null, "body_too_large"));
            body = await JsonSerializer.DeserializeAsync<PullRequestBody>(request.Body, JsonDefaults.Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return (default, "", PullSelection.Everything, ApiErrors.BadRequest($"The body is not valid JSON: {e.Message}", null, "invalid_json"));
        }
        if (body is null) return (default, "", PullSelection.Everything, ApiErrors.BadRequest("The body must be a JSON object like {\"model\": \"org/name\"}.", null, "invalid_json"));
        if (string.IsNullOrWhiteSpace(body.Model)) return (default, "", PullSelection.Everything, ApiErrors.BadRequest("'model' is required, e.g. \"karpathy/stories260K\".", "model", "missing_model"));
        if (!RepoId.TryParse(body.Model.Trim(), out var repo)) return (default, "", PullSelection.Everything, ApiErrors.InvalidModel(body.Model));
        var revision = string.IsNullOrWhiteSpace(body.Revision) ? RevisionName.Default : body.Revision.Trim();
        if (!RevisionName.IsValid(revision)) return (default, "", PullSelection.Everything, ApiErrors.InvalidRevision(body.Revision));
        if (body.Include is not null && body.Gguf is not null)
            return (default, "", PullSelection.Everything, ApiErrors.BadRequest("Give 'include' or 'gguf', not both.", "gguf", "invalid_selection"));
        if (body.Include is { } include && (include.Count is 0 or > MaxPatterns || include.Any(p => string.IsNullOrWhiteSpace(p) || p.Length > MaxPatternLength)))
            return (default, "", PullSelection.Everything, ApiErrors.BadRequest(
                $"'include' must be 1 to {MaxPatterns} non-empty glob patterns of at most {MaxPatternLength} characters, e.g. [\"*Q4_K_M*.gguf\"].", "include", "invalid_include"));
        if (body.Gguf is { } gguf && (string.IsNullOrWhiteSpace(gguf) || gguf.Length > MaxPatternLength))
            return (default, "", PullSelection.Everything, ApiErrors.BadRequest(
                "'gguf' must be a quantization tag such as \"Q4_K_M\" or a .gguf file name.", "gguf", "invalid_gguf"));
        return (repo.Value, revision, new PullSelection(body.Include, body.Gguf?.Trim()), null);
    }
}
