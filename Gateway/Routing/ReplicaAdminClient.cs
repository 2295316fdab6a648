using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>
/// The replicas' model management API (GET, POST /admin/models, DELETE /admin/models/{name}) called with
/// <see cref="GatewayOptions.UpstreamAdminKey"/>; without that key the gateway neither sees load states nor deploys.
/// </summary>
public sealed class ReplicaAdminClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    // Its own client, on purpose: retries of the standard resilience handler would hide a dead replica for seconds.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = CallTimeout };
    private readonly string? _key;

    public ReplicaAdminClient(GatewayOptions options) => _key = string.IsNullOrEmpty(options.UpstreamAdminKey) ? null : options.UpstreamAdminKey;

    public bool Enabled => _key is not null;

    /// <summary>The replica's models and their states; throws <see cref="HttpRequestException"/> when it cannot tell.</summary>
    public async Task<IReadOnlyList<ReplicaModelStatus>> ListAsync(Replica replica, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, replica, "admin/models", null, cancellationToken);
        if (status != 200) throw new HttpRequestException($"{replica.Id} GET /admin/models answered {status}: {Message(body)}");
        return ReplicaModelStatus.ParseList(body);
    }

    /// <summary>POST /admin/models with the model's load fields: the replica's status and answer.</summary>
    public Task<(int Status, JsonElement Body)> LoadAsync(Replica replica, JsonObject spec, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, replica, "admin/models", JsonContent.Create(spec), cancellationToken);

    /// <summary>DELETE /admin/models/{name}, with the replica's default grace period unless <paramref name="grace"/> is given.</summary>
    public Task<(int Status, JsonElement Body)> UnloadAsync(Replica replica, string name, string? grace, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, replica, "admin/models/" + PathOf(name) + (grace is null ? "" : "?grace=" + Uri.EscapeDataString(grace)),
            null, cancellationToken);

    /// <summary>A model name as a URL path (a repo id's slash kept: the routes take the rest of the path).</summary>
    public static string PathOf(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    /// <summary>The message of an OpenAI-shaped error body (or the body itself).</summary>
    public static string Message(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("message", out var message) ? message.ToString() : body.ToString();

    private async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, Replica replica, string path, HttpContent? content,
        CancellationToken cancellationToken)
    {
        if (_key is null) throw new InvalidOperationException("Gateway:UpstreamAdminKey is not set.");
        using var request = new HttpRequestMessage(method, new Uri(replica.Address, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement body;
        try
        {
            body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            body = JsonSerializer.SerializeToElement(text);
        }
        return ((int)response.StatusCode, body);
    }

    public void Dispose() => _http.Dispose();
}
