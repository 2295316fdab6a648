using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AdminDashboard.Configuration;

namespace AdminDashboard.Clients;

/// <summary>
/// ModelCacheService's REST API: GET /api/models, GET and DELETE /api/models/{org}/{name}, GET /api/models/{org}/{name}/files
/// (a repo's files on the hub, before pulling), POST /api/models/pull,
/// GET /api/models/pull (recent pulls), GET /api/models/pull/{id}/events (SSE: "progress" events, then "completed"
/// or "failed", each carrying the whole pull state) and DELETE /api/models/pull/{id} (cancel, where the service has it).
/// </summary>
public sealed class ModelCacheClient(ServiceHttp http, ServiceEndpoints endpoints)
{
    public const string Service = "modelcache";

    public bool IsConfigured => endpoints.ModelCacheUrl is not null;

    public async Task<IReadOnlyList<CachedModel>> ListAsync(CancellationToken ct) =>
        (await http.SendJsonAsync<ListOf<CachedModel>>(Service, Request(HttpMethod.Get, "api/models"), ct)).Data ?? [];

    public Task<ModelDetails> GetAsync(string model, string? revision, CancellationToken ct) =>
        http.SendJsonAsync<ModelDetails>(Service,
            Request(HttpMethod.Get, $"api/models/{ModelPath(model)}{(revision is null ? "" : "?revision=" + Uri.EscapeDataString(revision))}"), ct);

    public async Task DeleteAsync(string model, CancellationToken ct)
    {
        using var response = await http.SendAsync(Service, Request(HttpMethod.Delete, $"api/models/{ModelPath(model)}"), ct);
    }

    /// <summary>The repo's files at a revision, as the hub lists them (the cache asks the hub, with its retries: more time
    /// than a call the cache answers itself).</summary>
    public async Task<IReadOnlyList<RepoFile>> ListRepoFilesAsync(string model, string? revision, CancellationToken ct) =>
        (await http.SendJsonAsync<ListOf<RepoFile>>(Service,
            Request(HttpMethod.Get, $"api/models/{ModelPath(model)}/files{(revision is null ? "" : "?revision=" + Uri.EscapeDataString(revision))}"), ct,
            HubCallTimeout)).Data ?? [];

    private static readonly TimeSpan HubCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts a pull (or joins the one running for the same model, revision and files); <paramref name="gguf"/>
    /// (a .gguf file name or a quantization tag) pulls that one file only.</summary>
    public Task<PullState> StartPullAsync(string model, string? revision, string? gguf, CancellationToken ct)
    {
        var request = Request(HttpMethod.Post, "api/models/pull");
        var body = new Dictionary<string, string> { ["model"] = model };
        if (revision is not null) body["revision"] = revision;
        if (gguf is not null) body["gguf"] = gguf;
        request.Content = JsonContent.Create(body);
        return http.SendJsonAsync<PullState>(Service, request, ct);
    }

    /// <summary>The pulls the service remembers (running and recently finished).</summary>
    public async Task<IReadOnlyList<PullState>> ListPullsAsync(CancellationToken ct) =>
        (await http.SendJsonAsync<ListOf<PullState>>(Service, Request(HttpMethod.Get, "api/models/pull"), ct)).Data ?? [];

    /// <summary>Follows a pull's event stream until it has finished (the last state yielded is the final one).</summary>
    public async IAsyncEnumerable<PullState> FollowPullAsync(string id, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = Request(HttpMethod.Get, $"api/models/pull/{Uri.EscapeDataString(id)}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(Service, request, ct, stream: true);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var message in SseReader.ReadAsync(body, ct))
        {
            PullState? state;
            try
            {
                state = JsonSerializer.Deserialize<PullState>(message.Data, ServiceHttp.SnakeCase);
            }
            catch (JsonException e)
            {
                throw new ServiceException(Service, response.StatusCode, $"unexpected pull event: {e.Message}", "bad_answer", e);
            }
            if (state is null) continue;
            yield return state;
            if (state.IsFinished) yield break;
        }
    }

    /// <summary>
    /// Asks the service to cancel a pull; false when the service has no cancel endpoint: 405, or a 404 that is not
    /// "pull_not_found" (without the endpoint, DELETE /api/models/pull/{id} falls to DELETE /api/models/{org}/{name}).
    /// </summary>
    public async Task<bool> CancelPullAsync(string id, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(Service, Request(HttpMethod.Delete, $"api/models/pull/{Uri.EscapeDataString(id)}"), ct);
            return true;
        }
        catch (ServiceException e) when (e.Status is HttpStatusCode.MethodNotAllowed || (e.Status is HttpStatusCode.NotFound && e.Code is not "pull_not_found"))
        {
            return false;
        }
    }

    /// <summary>A request to the service, with its API key (ModelCache__ApiKey) when one is set.</summary>
    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method,
            new Uri(endpoints.ModelCacheUrl ?? throw new ServiceException(Service, null, "not configured (services__modelcache__http__0 is not set)"), path));
        if (endpoints.ModelCacheKey is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>"org/name" as two escaped path segments.</summary>
    private static string ModelPath(string model) => string.Join('/', model.Split('/').Select(Uri.EscapeDataString));

    private sealed record ListOf<T>(List<T>? Data);
}
