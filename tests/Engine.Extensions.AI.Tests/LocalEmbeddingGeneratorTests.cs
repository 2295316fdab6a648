using System.Net.Http.Json;
using System.Text.Json;
using Engine.Core;
using Engine.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Extensions.AI.Tests;

/// <summary>
/// <c>services.AddLocalLlm(model)</c>'s IEmbeddingGenerator gives the same vectors as /v1/embeddings of a real
/// InferenceService process over the same model, and its IChatClient is the local one, whose engine GetService returns.
/// </summary>
public sealed class LocalEmbeddingGeneratorTests
{
    private static readonly string[] Inputs = ["Once upon a time", "The cat sat on the mat."];

    [Fact]
    public async Task Embeddings_EqualTheServersEmbeddings_ForTheSameInput()
    {
        await using var server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", TestData.Stories260K, "--served-model-name", "stories260K", "--runner", "pooling"],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        using var response = await server.Http.PostAsJsonAsync("v1/embeddings", new { input = Inputs, dimensions = 48 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var expected = json.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();

        await using var services = new ServiceCollection().AddLocalLlm(TestData.Stories260K).BuildServiceProvider();
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.IsType<LocalEmbeddingGenerator>(generator);
        var embeddings = await generator.GenerateAsync(Inputs, new EmbeddingGenerationOptions { Dimensions = 48 });

        Assert.Equal(Inputs.Length, embeddings.Count);
        for (int i = 0; i < Inputs.Length; i++)
        {
            var vector = embeddings[i].Vector.ToArray();
            Assert.Equal(expected[i].Length, vector.Length);
            for (int j = 0; j < vector.Length; j++) Assert.Equal(expected[i][j], vector[j], 5);
        }
        Assert.Equal(json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), embeddings.Usage!.InputTokenCount);

        var chat = services.GetRequiredService<IChatClient>();
        Assert.IsType<LocalChatClient>(chat);
        Assert.NotNull(chat.GetService<LlmEngine>());
        Assert.NotSame(chat.GetService<LlmEngine>(), generator.GetService<LlmEngine>());
    }
}
