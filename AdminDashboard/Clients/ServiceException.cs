using System.Net;
using System.Text.Json;

namespace AdminDashboard.Clients;

/// <summary>A service answered with an error (OpenAI-shaped {"error":{"message","code"}} where it can), or could not be reached.</summary>
public sealed class ServiceException(string service, HttpStatusCode? status, string message, string? code = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;

    /// <summary>Null when the service could not be reached at all.</summary>
    public HttpStatusCode? Status { get; } = status;

    public string? Code { get; } = code;

    /// <summary>"gateway: 401 The API key provided has been revoked." for the UI.</summary>
    public string Display => Status is { } status ? $"{Service}: {(int)status} {Message}" : $"{Service}: {Message}";

    public static async Task<ServiceException> FromResponseAsync(string service, HttpResponseMessage response, CancellationToken ct)
    {
        var body = "";
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status alone has to do.
        }
        var (message, code) = ParseError(body);
        return new ServiceException(service, response.StatusCode,
            message ?? (string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? "error" : Truncate(body)), code);
    }

    public static ServiceException Unreachable(string service, Uri url, Exception error) =>
        new(service, null, error is TaskCanceledException or OperationCanceledException
            ? $"no answer from {url} in time"
            : $"cannot reach {url}: {error.Message}", "unreachable", error);

    /// <summary>The message and code of an OpenAI-shaped error body, if it is one.</summary>
    public static (string? Message, string? Code) ParseError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String) return (error.GetString(), null);
                if (error.ValueKind == JsonValueKind.Object)
                    return (error.TryGetProperty("message", out var m) ? m.GetString() : null,
                        error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null);
            }
        }
        catch (JsonException)
        {
        }
        return (null, null);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
