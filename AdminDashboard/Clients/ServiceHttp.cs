using System.Net.Http.Json;
using System.Text.Json;
using AdminDashboard.Configuration;

namespace AdminDashboard.Clients;

/// <summary>
/// HTTP to the platform's services. Its clients have no retry handler on purpose: the dashboard must show a
/// service that is down as down at once, and must never send a POST (a chat, a key creation) twice.
/// JSON calls time out after <see cref="DashboardOptions.RequestTimeout"/>; streams run until they end or are cancelled.
/// </summary>
public sealed class ServiceHttp(IHttpClientFactory factory, DashboardOptions options)
{
    public const string ClientName = "services";

    public static readonly JsonSerializerOptions SnakeCase = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public HttpClient Client => factory.CreateClient(ClientName);

    /// <summary>Sends a request and returns the successful response (headers read); throws <see cref="ServiceException"/> otherwise.
    /// <paramref name="timeout"/> replaces the RequestTimeout for a call that waits on something slower (the hub).</summary>
    public async Task<HttpResponseMessage> SendAsync(string service, HttpRequestMessage request, CancellationToken ct, bool stream = false, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (!stream) deadline.CancelAfter(timeout ?? options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await Client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw ServiceException.Unreachable(service, request.RequestUri!, e);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ServiceException.FromResponseAsync(service, response, ct);
    }

    /// <summary>Sends a request and parses the JSON answer into <typeparamref name="T"/> (snake_case names).</summary>
    public async Task<T> SendJsonAsync<T>(string service, HttpRequestMessage request, CancellationToken ct, TimeSpan? timeout = null)
    {
        using var response = await SendAsync(service, request, ct, timeout: timeout);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(SnakeCase, ct)
                ?? throw new ServiceException(service, response.StatusCode, "empty answer");
        }
        catch (JsonException e)
        {
            throw new ServiceException(service, response.StatusCode, $"unexpected answer from {request.RequestUri}: {e.Message}", "bad_answer", e);
        }
    }

    public Task<T> GetJsonAsync<T>(string service, Uri url, CancellationToken ct) =>
        SendJsonAsync<T>(service, new HttpRequestMessage(HttpMethod.Get, url), ct);
}
