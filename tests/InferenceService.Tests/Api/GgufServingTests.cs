using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>The real server started with `--model qtiny-Q4_K_M.gguf` (a GGUF quantized by llama.cpp, Q4_K with
/// Q6_K tensors, tokenizer in its metadata): greedy completions of the reference prompts are llama.cpp's tokens,
/// and a model without tokenizer.chat_template answers chat requests with a clear 400.</summary>
public sealed class GgufServingTests(GgufServingTests.Server server) : IClassFixture<GgufServingTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        public ServiceProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", InferenceServerFixture.TestData("models", "quant-tiny-gguf", "qtiny-Q4_K_M.gguf"), "--max-model-len", "128"],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });

        public async Task DisposeAsync() => await Process.DisposeAsync();

        public async Task<(int Status, JsonElement Body)> PostAsync(string path, object body)
        {
            using var response = await Process.Http.PostAsJsonAsync(path, body);
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task GreedyCompletion_IsLlamaCppsTokens(int prompt)
    {
        var reference = LlamaCppReference.Load("Q4_K_M", prompt);
        var (promptIds, greedy) = (reference.PromptIds, reference.GreedyIds);

        var (status, body) = await server.PostAsync("v1/completions", new { prompt = promptIds, max_tokens = greedy.Length, temperature = 0, logprobs = 1 });
        Assert.Equal(200, status);
        var choice = body.GetProperty("choices")[0];
        var expected = await server.PostAsync("detokenize", new { tokens = greedy });
        Assert.Equal(expected.Body.GetProperty("prompt").GetString()!.TrimStart(), choice.GetProperty("text").GetString()!.TrimStart());
        Assert.Equal(greedy.Length, choice.GetProperty("logprobs").GetProperty("tokens").GetArrayLength());
        Assert.Equal(greedy.Length, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_WithoutTemplateInTheGguf_IsAClear400()
    {
        var (status, body) = await server.PostAsync("v1/chat/completions", new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(400, status);
        Assert.Contains("tokenizer.chat_template", body.GetProperty("error").GetProperty("message").GetString());
    }
}
