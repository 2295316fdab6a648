using System.Net;
using System.Text.Json;
using ModelCacheService.Api;
using ModelCacheService.Pulls;

namespace ModelCacheService.Hub;

/// <summary>
/// Turns a failed hub answer into an error that names the cause and the fix, the way a user of
/// huggingface-cli would want to read it (gated model, wrong token, unknown repo, hub down).
/// </summary>
public static class HubErrors
{
    public static async Task<PullFailedException> FromResponseAsync(
        HttpResponseMessage response, Uri endpoint, RepoId repo, string revision, string? file, bool tokenSent, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var hubCode = Header(response, HubHeaders.ErrorCode);
        var hubMessage = Header(response, HubHeaders.ErrorMessage) ?? await BodyMessageAsync(response, ct);
        var said = $"the hub answered {status} {ReasonPhrase(response.StatusCode)}{(hubMessage is null ? "" : $" (\"{hubMessage}\")")}";
        var page = HubUrls.ModelPage(endpoint, repo);

        var error = status switch
        {
            401 when tokenSent => new ErrorDetail(
                $"{repo}: {said}: HF_TOKEN was not accepted (mistyped, revoked or expired?). For a gated model, accept the licence on the model page ({page}) and set HF_TOKEN to a valid token.",
                "authentication_error", null, "invalid_token"),
            401 => new ErrorDetail(
                $"{repo}: {said}: the model is gated or private and no HF_TOKEN was sent. Accept the licence on the model page ({page}) and set HF_TOKEN.",
                "authentication_error", null, hubCode == "GatedRepo" ? "gated_repo" : "unauthorized"),
            403 => new ErrorDetail(
                $"{repo}: {said}: HF_TOKEN has no access to this gated model. Accept the licence on the model page ({page}) with the account of HF_TOKEN (and wait for approval if it is manual), then pull again.",
                "permission_error", null, "gated_repo"),
            404 when hubCode == "RevisionNotFound" => new ErrorDetail(
                $"{repo}: {said}: revision '{revision}' does not exist. Check the branch, tag or commit.",
                "not_found_error", "revision", "revision_not_found"),
            404 when hubCode == "EntryNotFound" || (file is not null && hubCode is null) => new ErrorDetail(
                $"{repo}: {said}: file '{file}' is listed at revision '{revision}' but cannot be downloaded.",
                "not_found_error", null, "entry_not_found"),
            404 => new ErrorDetail(
                $"{repo}: {said}: no such model on {endpoint}. Check the model id (org/name).",
                "not_found_error", "model", "repo_not_found"),
            _ => new ErrorDetail(
                $"{repo}: {said}{(file is null ? "" : $" for '{file}'")}; the request was retried and then given up.",
                "hub_error", null, "hub_unavailable"),
        };
        return new PullFailedException(error);
    }

    public static PullFailedException Unreachable(Uri endpoint, RepoId repo, Exception cause) => new(new ErrorDetail(
        $"{repo}: could not reach the hub at {endpoint} ({cause.Message}); the request was retried and then given up. Check HF_ENDPOINT and the network, or set HF_HUB_OFFLINE=1 to use only the cache.",
        "hub_error", null, "hub_unreachable"), cause);

    public static PullFailedException BadAnswer(RepoId repo, string problem) => new(new ErrorDetail(
        $"{repo}: the hub's answer is not usable: {problem}. Is HF_ENDPOINT a Hugging Face hub?",
        "hub_error", null, "invalid_hub_response"));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        _ => status.ToString(),
    };

    /// <summary>The hub puts a message in {"error": "..."}; a short read of the body is enough.</summary>
    private static async Task<string?> BodyMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (text.Length is 0 or > 16_384) return null;
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            return null;
        }
    }
}
