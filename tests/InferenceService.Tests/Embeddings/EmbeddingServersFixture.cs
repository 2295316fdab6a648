using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Embeddings;

/// <summary>
/// Two real InferenceService processes over tiny random-weight models whose weights the tests hold (for the naive
/// reference forward), with stories260K's tokenizer: a generating server (embeddings from the same engine, last-token
/// pooling), and an embedding-only one (--runner pooling --pooling-type mean) over an embedding checkpoint (no lm_head,
/// weights named without "model.").
/// </summary>
public sealed class EmbeddingServersFixture : IAsyncLifetime
{
    public TinyModel Generating { get; } = TinyModel.Create(hidden: 48, heads: 4, kvHeads: 2, layers: 3, intermediate: 64, vocab: 512, seed: 21)
        .WithTokenizerOf(TestData.Stories260K);

    public TinyModel Embedding { get; } = TinyModel.Create(hidden: 40, heads: 4, kvHeads: 2, layers: 2, intermediate: 56, vocab: 512, tied: false, seed: 22)
        .WithTokenizerOf(TestData.Stories260K);

    public ServiceProcess Server { get; private set; } = null!;
    public ServiceProcess PoolingServer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Embedding.RewriteCheckpoint(name => name == "lm_head.weight" ? null : name["model.".Length..]);
        var servers = await Task.WhenAll(
            Start(Generating, "--max-num-seqs", "48", "--max-num-batched-tokens", "96"),
            Start(Embedding, "--runner", "pooling", "--pooling-type", "mean"));
        (Server, PoolingServer) = (servers[0], servers[1]);
    }

    private static Task<ServiceProcess> Start(TinyModel model, params string[] flags) => ServiceProcess.StartAsync("InferenceService", new ServiceOptions
    {
        Args = port => ["--port", port.ToString(), "--model", model.Directory, "--served-model-name", "tiny", "--seed", "0", "--threads", "1", .. flags],
        BindWithAspNetCoreUrls = false,
        HealthTimeout = TimeSpan.FromSeconds(120),
    });

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (PoolingServer is not null) await PoolingServer.DisposeAsync();
        Generating.Dispose();
        Embedding.Dispose();
    }

    /// <summary>The token ids the server gives a text (with BOS), as /v1/embeddings tokenizes it.</summary>
    public static async Task<int[]> TokenizeAsync(ServiceProcess server, string text)
    {
        using var response = await server.Http.PostAsJsonAsync("tokenize", new { prompt = text });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
    }
}
