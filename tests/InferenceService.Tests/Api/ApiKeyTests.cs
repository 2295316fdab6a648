using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// --api-key, as vLLM's: /v1/*, /tokenize and /detokenize need <c>Authorization: Bearer &lt;key&gt;</c> and answer 401 in
/// OpenAI's shape otherwise; /health, /alive, /metrics and /version stay open. The server also has VLLM_API_KEY set to
/// another key, which the flag overrides.
/// </summary>
public sealed class ApiKeyTests(ApiKeyTests.KeyedServer server) : IClassFixture<ApiKeyTests.KeyedServer>
{
    public const string Key = "sk-replica-key-6b1d";
    private const string EnvironmentKey = "sk-environment-key-overridden";

    public sealed class KeyedServer() : ServiceFixture("InferenceService", new ServiceOptions
    {
        Args = port => ["--host", "127.0.0.1", "--port", port.ToString(), "--api-key", Key, "--served-model-name", "keyed", "--max-model-len", "128"],
        BindWithAspNetCoreUrls = false,
        Environment = new Dictionary<string, string> { ["VLLM_API_KEY"] = EnvironmentKey },
        HealthTimeout = TimeSpan.FromSeconds(120),
    });

    public static TheoryData<string, string> ProtectedRequests => new()
    {
        { "POST", "v1/completions" },
        { "POST", "v1/chat/completions" },
        { "GET", "v1/models" },
        { "GET", "v1/no-such-endpoint" },
        { "POST", "tokenize" },
        { "POST", "detokenize" },
    };

    private async Task<(int Status, JsonElement Body)> SendAsync(string method, string path, string? authorization)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = path == "detokenize"
                ? JsonContent.Create(new { model = "keyed", tokens = new[] { 1, 2 } })
                : JsonContent.Create(new { model = "keyed", prompt = "Once upon a time", max_tokens = 4 });
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await server.Service.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertInvalidApiKey(int status, JsonElement body, string message)
    {
        Assert.Equal(401, status);
        OpenAiSchema.AssertValid("ErrorResponse", body);
        var error = body.GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(ProtectedRequests))]
    public async Task NoKey_Is401InOpenAisShape(string method, string path)
    {
        var (status, body) = await SendAsync(method, path, authorization: null);
        AssertInvalidApiKey(status, body, "No API key provided: send it as 'Authorization: Bearer <key>' (this server was started with --api-key).");
    }

    [Theory]
    [InlineData("Bearer wrong-key")]
    [InlineData("Bearer " + Key + "x")]
    [InlineData("Bearer " + EnvironmentKey)]   // --api-key wins over VLLM_API_KEY
    [InlineData("Basic " + Key)]
    [InlineData(Key)]
    public async Task WrongKey_Is401(string authorization)
    {
        var (status, body) = await SendAsync("POST", "v1/completions", authorization);
        var expected = authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? "Incorrect API key provided."
            : "No API key provided: send it as 'Authorization: Bearer <key>' (this server was started with --api-key).";
        AssertInvalidApiKey(status, body, expected);
    }

    [Fact]
    public async Task RightKey_GetsTheCompletion()
    {
        var (status, body) = await SendAsync("POST", "v1/completions", "Bearer " + Key);
        Assert.True(status == 200, body.ToString());
        Assert.Equal("keyed", body.GetProperty("model").GetString());
        Assert.NotEqual("", body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(4, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        (status, body) = await SendAsync("GET", "v1/models", "bearer " + Key);   // the scheme's case does not matter
        Assert.Equal(200, status);
        Assert.Equal("keyed", body.GetProperty("data")[0].GetProperty("id").GetString());

        (status, body) = await SendAsync("POST", "tokenize", "Bearer " + Key);
        Assert.Equal(200, status);
        Assert.True(body.GetProperty("count").GetInt32() > 0);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("alive")]
    [InlineData("metrics")]
    [InlineData("version")]
    public async Task ProbesAndMetrics_StayOpen(string path)
    {
        using var response = await server.Service.Http.GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "admin/models")]
    [InlineData("POST", "v1/load_lora_adapter")]
    public async Task AdminSurface_WithoutAnAdminKey_IsDisabled(string method, string path)
    {
        var (status, body) = await SendAsync(method, path, "Bearer " + Key);
        Assert.Equal(403, status);
        OpenAiSchema.AssertValid("ErrorResponse", body);
        Assert.Equal("admin_api_disabled", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("--admin-key", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task BenchServe_SendsOpenAiApiKey()
    {
        string[] args = ["bench-serve", "--base-url", server.Service.BaseAddress.ToString(), "--model", "keyed", "--num-prompts", "2",
            "--max-concurrency", "2", "--input-len", "4", "--output-len", "2", "--seed", "7"];
        var withKey = await ServiceCommand.RunAsync("InferenceService", args, new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key });
        Assert.True(withKey.ExitCode == 0, withKey.ToString());
        Assert.Contains("successful requests:        2 of 2", withKey.Stdout);
        Assert.Contains("seed 7", withKey.Stdout);

        var withoutKey = await ServiceCommand.RunAsync("InferenceService", args);
        Assert.Equal(1, withoutKey.ExitCode);
        Assert.Contains("failed: 401: ", withoutKey.Stdout);
    }

    [Fact]
    public async Task VllmApiKeyVariable_AloneTurnsTheCheckOn()
    {
        await using var service = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString()],
            BindWithAspNetCoreUrls = false,
            Environment = new Dictionary<string, string> { ["VLLM_API_KEY"] = EnvironmentKey },
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        using (var response = await service.Http.GetAsync("v1/models")) Assert.Equal(401, (int)response.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", EnvironmentKey) } };
        using (var response = await service.Http.SendAsync(request)) Assert.Equal(200, (int)response.StatusCode);
    }
}
