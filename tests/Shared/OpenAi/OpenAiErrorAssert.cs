using System.Net;
using System.Text.Json;

namespace Tests.Shared;

/// <summary>Checks a response is an error in OpenAI's shape, {"error":{"message","type","param","code"}}: a valid ErrorResponse
/// of OpenAI's specification, with the status, type and code expected.</summary>
public static class OpenAiErrorAssert
{
    public static async Task<JsonElement> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string? code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement.Clone();
        OpenAiSchema.AssertValid("ErrorResponse", root, $"the {(int)status} body");
        var error = root.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), body);
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }
}
