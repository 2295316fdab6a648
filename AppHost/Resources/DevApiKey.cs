using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AppHost.Resources;

/// <summary>
/// Local runs only: once the gateway is healthy, creates a first API key through its admin API (POST /admin/keys with
/// the admin key) and prints the admin key, the API key and a curl command to try.
/// </summary>
public static class DevApiKey
{
    public const string KeyName = "apphost-dev";

    public static IResourceBuilder<ProjectResource> WithDevApiKey(this IResourceBuilder<ProjectResource> gateway,
        IResourceBuilder<ParameterResource> adminKey)
    {
        if (!gateway.ApplicationBuilder.ExecutionContext.IsRunMode) return gateway;
        var model = EngineConfiguration.ServedModelName(gateway.ApplicationBuilder.Configuration);
        return gateway.OnResourceReady(async (resource, _, cancel) =>
        {
            var url = resource.GetEndpoint("http").Url;
            var admin = await adminKey.Resource.GetValueAsync(cancel) ?? "";
            var (status, body) = await CreateKeyAsync(url, admin, cancel);
            Console.WriteLine($"AppHost: gateway admin key (dev only; Authorization: Bearer <admin key> on {url}/admin/keys): {admin}");
            if (status is not (HttpStatusCode.Created or HttpStatusCode.OK) || KeyOf(body) is not { } key)
            {
                Console.WriteLine($"AppHost: could not create an API key: POST /admin/keys answered {(int)status}: {Shorten(body)}");
                return;
            }
            Console.WriteLine($"AppHost: API key (dev only): {key}");
            Console.WriteLine("AppHost: try it:");
            Console.WriteLine($"  curl -s {url}/v1/completions -H \"Authorization: Bearer {key}\" -H \"Content-Type: application/json\" " +
                              $"-d '{{\"model\": \"{model}\", \"prompt\": \"Once upon a time\", \"max_tokens\": 32}}'");
        });
    }

    private static async Task<(HttpStatusCode Status, string Body)> CreateKeyAsync(string gateway, string adminKey, CancellationToken cancel)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(10) };
        (HttpStatusCode Status, string Body) last = default;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/keys") { Content = JsonContent.Create(new { name = KeyName }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            try
            {
                using var response = await http.SendAsync(request, cancel);
                last = (response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
            }
            catch (HttpRequestException e)
            {
                last = (default, e.Message);
            }
            if (last.Status is not (HttpStatusCode.ServiceUnavailable or default(HttpStatusCode))) break;
            await Task.Delay(TimeSpan.FromSeconds(1), cancel); // The key store (Redis) may still be connecting.
        }
        return last;
    }

    private static string? KeyOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
