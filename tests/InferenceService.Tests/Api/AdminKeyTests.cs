using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// --admin-key: the replica's admin surface (/admin/*, /v1/load_lora_adapter, /v1/unload_lora_adapter) needs
/// <c>Authorization: Bearer &lt;admin key&gt;</c>; the API key does not open it and the admin key does not open the API.
/// Without --admin-key the surface is off (<see cref="ApiKeyTests.AdminSurface_WithoutAnAdminKey_IsDisabled"/>).
/// </summary>
public sealed class AdminKeyTests(AdminKeyTests.AdminServer server) : IClassFixture<AdminKeyTests.AdminServer>
{
    private const string ApiKey = "sk-api-key-3f9a";
    private const string AdminKey = "sk-admin-key-81c2";

    public sealed class AdminServer() : ServiceFixture("InferenceService", new ServiceOptions
    {
        Args = port => ["--host", "127.0.0.1", "--port", port.ToString(), "--api-key", ApiKey, "--admin-key", AdminKey,
            "--served-model-name", "admin", "--max-model-len", "128"],
        BindWithAspNetCoreUrls = false,
        HealthTimeout = TimeSpan.FromSeconds(120),
    });

    private async Task<(int Status, JsonElement Body)> SendAsync(string method, string path, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = path.StartsWith("v1/completions", StringComparison.Ordinal)
                ? JsonContent.Create(new { model = "admin", prompt = "Hi", max_tokens = 2 })
                : JsonContent.Create(new { lora_name = "a", lora_path = "/nowhere" });
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using var response = await server.Service.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("GET", "admin/models")]
    [InlineData("DELETE", "admin/models/admin")]
    [InlineData("POST", "v1/load_lora_adapter")]
    [InlineData("POST", "v1/unload_lora_adapter")]
    public async Task AdminPaths_RefuseNoKey_AndTheApiKey(string method, string path)
    {
        var (status, body) = await SendAsync(method, path, key: null);
        Assert.Equal(401, status);
        OpenAiSchema.AssertValid("ErrorResponse", body);
        Assert.Equal("No admin key provided: send it as 'Authorization: Bearer <key>' (the key this server was started with as --admin-key).",
            body.GetProperty("error").GetProperty("message").GetString());

        (status, body) = await SendAsync(method, path, ApiKey);
        Assert.Equal(401, status);
        Assert.Equal("invalid_api_key", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Incorrect API key provided.", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheAdminKey_PassesTheAdminCheck_ButDoesNotOpenTheApi()
    {
        // Past the check the request meets the routing: an unknown admin path is a 404, not a 401.
        var (status, body) = await SendAsync("GET", "admin/no-such-endpoint", AdminKey);
        Assert.Equal(404, status);
        Assert.Equal("unknown_path", body.GetProperty("error").GetProperty("code").GetString());

        (status, body) = await SendAsync("POST", "v1/completions", AdminKey);
        Assert.Equal(401, status);
        Assert.Equal("Incorrect API key provided.", body.GetProperty("error").GetProperty("message").GetString());

        (status, body) = await SendAsync("POST", "v1/completions", ApiKey);
        Assert.True(status == 200, body.ToString());
    }
}
