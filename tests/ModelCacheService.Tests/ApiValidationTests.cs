using System.Net;
using System.Text.Json;

namespace ModelCacheService.Tests;

/// <summary>Bad input gets an OpenAI-style 4xx error body, never a 5xx.</summary>
public sealed class ApiValidationTests(ApiValidationTests.Fixture fixture) : IClassFixture<ApiValidationTests.Fixture>
{
    /// <summary>A service whose hub is down: none of these requests may reach it anyway.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _cache = new();

        public ModelCacheProcess Service { get; private set; } = null!;

        public async Task InitializeAsync() => Service = await ModelCacheProcess.StartAsync(
            new ModelCacheOptions { HubEndpoint = FakeHubServer.DeadEndpoint(), CacheDirectory = Path.Combine(_cache.Path, "hub") });

        public async Task DisposeAsync()
        {
            await Service.DisposeAsync();
            _cache.Dispose();
        }
    }

    public static TheoryData<string, string, string?, int, string?, string> Requests => new()
    {
        // method, path, body, status, param, code
        { "POST", "api/models/pull", "not json", 400, null, "invalid_json" },
        { "POST", "api/models/pull", "", 400, null, "invalid_json" },
        { "POST", "api/models/pull", "[1, 2]", 400, null, "invalid_json" },
        { "POST", "api/models/pull", "{\"model\": 5}", 400, null, "invalid_json" },
        { "POST", "api/models/pull", "{}", 400, "model", "missing_model" },
        { "POST", "api/models/pull", "{\"model\": \"stories260K\"}", 400, "model", "invalid_model" },
        { "POST", "api/models/pull", "{\"model\": \"a/b/c\"}", 400, "model", "invalid_model" },
        { "POST", "api/models/pull", "{\"model\": \"../etc\"}", 400, "model", "invalid_model" },
        { "POST", "api/models/pull", "{\"model\": \"a--b/c\"}", 400, "model", "invalid_model" },
        { "POST", "api/models/pull", "{\"model\": \"karpathy/stories260K\", \"revision\": \"../../refs\"}", 400, "revision", "invalid_revision" },
        { "POST", "api/models/pull", "{\"model\": \"karpathy/stories260K\", \"revision\": \"a b\"}", 400, "revision", "invalid_revision" },
        { "POST", "api/models/pull", "{\"model\": \"a/b\", \"files\": [\"x.gguf\"]}", 400, null, "invalid_json" },
        { "POST", "api/models/pull", "{\"model\": \"a/b\", \"include\": [\"*.gguf\"], \"gguf\": \"Q8_0\"}", 400, "gguf", "invalid_selection" },
        { "POST", "api/models/pull", "{\"model\": \"a/b\", \"include\": []}", 400, "include", "invalid_include" },
        { "POST", "api/models/pull", "{\"model\": \"a/b\", \"include\": [\" \"]}", 400, "include", "invalid_include" },
        { "POST", "api/models/pull", "{\"model\": \"a/b\", \"gguf\": \"\"}", 400, "gguf", "invalid_gguf" },
        { "GET", "api/models/bad..org/x/files", null, 400, "model", "invalid_model" },
        { "GET", "api/models/a/b/files?revision=..", null, 400, "revision", "invalid_revision" },
        { "GET", "api/models/pull/pull_000000000000000000000000", null, 404, "id", "pull_not_found" },
        { "GET", "api/models/karpathy/absent", null, 404, "model", "model_not_found" },
        { "GET", "api/models/bad..org/x", null, 400, "model", "invalid_model" },
        { "GET", "api/models/karpathy/stories260K?revision=..", null, 400, "revision", "invalid_revision" },
        { "DELETE", "api/models/karpathy/absent", null, 404, "model", "model_not_found" },
        { "DELETE", "api/models/-x/y", null, 400, "model", "invalid_model" },
        { "GET", "api/no-such-endpoint", null, 404, null, "unknown_url" },
        { "PUT", "api/models/pull", "{}", 405, null, "method_not_allowed" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task BadRequests_GetOpenAiStyle4xxErrors(string method, string path, string? body, int status, string? param, string code)
    {
        var (actual, json) = await fixture.Service.SendAsync(new HttpMethod(method), path, body);

        Assert.True((int)actual == status, $"{method} {path} answered {(int)actual}: {json}");
        var error = json.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
    }
}
