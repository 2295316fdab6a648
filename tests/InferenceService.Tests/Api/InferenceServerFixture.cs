using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>One real InferenceService process on 127.0.0.1 serving stories260K (from ../shared/testdata) with a
/// chat template passed by --chat-template, shared by the API tests.</summary>
public sealed class InferenceServerFixture : IAsyncLifetime
{
    public const string ModelName = "stories260K";

    /// <summary>BOS, then the user turns: "Once upon a time" renders to the reference prompt's exact ids.</summary>
    public const string ChatTemplate = "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}{{ m['content'] }}{% endif %}{% endfor %}";

    private readonly string _templateFile = Path.Combine(Path.GetTempPath(), $"chat-template-{Guid.NewGuid():N}.jinja");

    public ServiceProcess Server { get; private set; } = null!;
    public HttpClient Http => Server.Http;
    public Uri BaseAddress => Server.BaseAddress;

    public static string TestData(params string[] parts) => Path.Combine([BuildOutput.RepositoryRoot, "..", "shared", "testdata", .. parts]);

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_templateFile, ChatTemplate);
        Server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port =>
            [
                "--port", port.ToString(), "--model", TestData("models", "stories260K"), "--served-model-name", ModelName,
                "--chat-template", _templateFile, "--max-num-seqs", "64", "--seed", "0",
            ],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        File.Delete(_templateFile);
    }

    public async Task<(int Status, JsonElement Body)> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The value of one /metrics sample, e.g. vllm:num_requests_running.</summary>
    public Task<double> MetricAsync(string name) => Http.MetricAsync(name);
}

[CollectionDefinition(Name)]
public sealed class InferenceServerCollection : ICollectionFixture<InferenceServerFixture>
{
    public const string Name = "inference-server";
}
