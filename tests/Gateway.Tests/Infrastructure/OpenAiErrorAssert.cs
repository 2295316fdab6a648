using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Infrastructure;

/// <summary>Checks a response is an error in OpenAI's shape: {"error":{"message","type","param","code"}}.</summary>
public static class OpenAiErrorAssert
{
    public static async Task<JsonElement> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string? code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), body);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.True(error.TryGetProperty("param", out _), $"no 'param' in {body}");
        Assert.True(error.TryGetProperty("code", out var actualCode), $"no 'code' in {body}");
        Assert.Equal(code, actualCode.ValueKind == JsonValueKind.Null ? null : actualCode.GetString());
        return error;
    }
}
