using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace AppHost;

/// <summary>
/// Local development only: once the gateway is healthy, creates a first API key through its admin API
/// (POST /admin/keys with the admin key) and prints the admin key, the API key and a curl command to try.
/// A gateway without the admin API is reported in one line and the AppHost keeps running.
/// </summary>
public static class DevApiKeys
{
    public const string KeyName = "apphost-dev";

    public static Func<ResourceReadyContext, CancellationToken, Task> CreateAndPrint(
        IResourceBuilder<ParameterResource> adminKey, IConfiguration configuration) => async (context, cancel) =>
    {
        var gateway = context.Resource.GetEndpoint("http").Url();
        var admin = adminKey.Resource.Value;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(10) };

        HttpStatusCode status = default;
        var body = "";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/keys") { Content = JsonContent.Create(new { name = KeyName }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            try
            {
                using var response = await http.SendAsync(request, cancel);
                (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
            }
            catch (HttpRequestException e)
            {
                (status, body) = (default, e.Message);
            }
            if (status is not (HttpStatusCode.ServiceUnavailable or default(HttpStatusCode))) break;
            await Task.Delay(TimeSpan.FromSeconds(1), cancel); // The key store (Redis) may still be connecting.
        }

        context.Log($"gateway admin key (dev only; Authorization: Bearer <admin key> on {gateway}/admin/keys): {admin}");
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            context.Log($"the gateway has no admin API yet (POST /admin/keys answered {(int)status}), so no API key was created.");
            return;
        }
        var key = status is HttpStatusCode.Created or HttpStatusCode.OK ? KeyOf(body) : null;
        if (key is null)
        {
            context.Log($"could not create an API key: POST /admin/keys answered {(int)status}: {Shorten(body)}");
            return;
        }
        context.Log($"API key (dev only): {key}");
        context.Log("try it:");
        Console.Out.WriteLine(
            $"  curl -s {gateway}/v1/completions -H \"Authorization: Bearer {key}\" -H \"Content-Type: application/json\" " +
            $"-d '{{\"model\": \"{EngineConfiguration.ServedModelName(configuration)}\", \"prompt\": \"Once upon a time\", \"max_tokens\": 32}}'");
    };

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
