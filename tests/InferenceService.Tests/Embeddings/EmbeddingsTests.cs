using System.Net.Http.Json;
using System.Text.Json;

namespace InferenceService.Tests.Embeddings;

/// <summary>
/// POST /v1/embeddings on real servers: each vector equals the test's own naive forward (final hidden state, pooled,
/// L2-normalised) within 1e-4, whatever the input shape, alone or batched with 31 other requests; norms are 1;
/// dimensions cuts and re-normalises; base64 decodes to the floats; usage counts the input tokens.
/// </summary>
public sealed class EmbeddingsTests(EmbeddingServersFixture servers) : IClassFixture<EmbeddingServersFixture>
{
    private static double[] Expected(TinyModel model, int[] tokens, bool mean, int? dimensions = null)
    {
        var states = NaiveLlama.FinalHiddenStates(model, tokens);
        var pooled = mean ? Enumerable.Range(0, model.Hidden).Select(i => states.Average(r => r[i])).ToArray() : states[^1];
        var kept = pooled[..(dimensions ?? pooled.Length)];
        double norm = Math.Sqrt(kept.Sum(v => v * v));
        return kept.Select(v => v / norm).ToArray();
    }

    private static void AssertClose(double[] expected, float[] actual, string what, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
        Assert.True(worst < tolerance, $"{what}: max abs error {worst:E3}");
    }

    private static async Task<JsonElement> EmbedAsync(ServiceProcess server, object body)
    {
        using var response = await server.Http.PostAsJsonAsync("v1/embeddings", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static float[] Floats(JsonElement item) => item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    [Fact]
    public async Task OneString_EqualsTheNaiveForward_WithOpenAisShapeAndUsage()
    {
        const string text = "Once upon a time, there was a little girl named Lily.";
        var tokens = await EmbeddingServersFixture.TokenizeAsync(servers.Server, text);
        var response = await EmbedAsync(servers.Server, new { model = "tiny", input = text });

        Assert.Equal("list", response.GetProperty("object").GetString());
        Assert.Equal("tiny", response.GetProperty("model").GetString());
        var item = Assert.Single(response.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        var vector = Floats(item);
        AssertClose(Expected(servers.Generating, tokens, mean: false), vector, "last-token pooling");
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
        Assert.Equal(tokens.Length, response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokens.Length, response.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task EveryInputShape_GivesEachInputsVector_InOrder()
    {
        string[] texts = ["The cat sat.", "A dog ran to the park and played."];
        var ids = await Task.WhenAll(texts.Select(t => EmbeddingServersFixture.TokenizeAsync(servers.Server, t)));
        var strings = await EmbedAsync(servers.Server, new { input = texts });
        var idLists = await EmbedAsync(servers.Server, new { input = ids });
        var oneIdList = await EmbedAsync(servers.Server, new { input = ids[1] });

        for (int i = 0; i < texts.Length; i++)
        {
            var expected = Expected(servers.Generating, ids[i], mean: false);
            AssertClose(expected, Floats(strings.GetProperty("data")[i]), $"strings[{i}]");
            AssertClose(expected, Floats(idLists.GetProperty("data")[i]), $"token id lists[{i}]");
            Assert.Equal(i, strings.GetProperty("data")[i].GetProperty("index").GetInt32());
        }
        AssertClose(Expected(servers.Generating, ids[1], mean: false), Floats(oneIdList.GetProperty("data")[0]), "token ids");
        Assert.Equal(ids.Sum(t => t.Length), strings.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task ARequestBatchedWith31Others_GivesTheSameVector()
    {
        var probe = Enumerable.Range(0, 40).Select(i => 5 + i * 7 % 500).ToArray();
        var alone = Floats((await EmbedAsync(servers.Server, new { input = probe })).GetProperty("data")[0]);

        var random = new Random(5);
        var others = Enumerable.Range(0, 31).Select(i => i % 2 == 0
            ? servers.Server.Http.PostAsJsonAsync("v1/completions", new { prompt = Enumerable.Range(0, 10 + i).Select(_ => random.Next(3, 512)).ToArray(), max_tokens = 16, temperature = 1 })
            : servers.Server.Http.PostAsJsonAsync("v1/embeddings", new { input = new[] { Enumerable.Range(0, 20 + i).Select(_ => random.Next(3, 512)).ToArray(), probe[..(10 + i)] } })).ToList();
        var batched = EmbedAsync(servers.Server, new { input = probe });
        foreach (var response in await Task.WhenAll(others)) Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var vector = Floats((await batched).GetProperty("data")[0]);
        AssertClose(alone.Select(v => (double)v).ToArray(), vector, "batched vs alone", 1e-5);
        AssertClose(Expected(servers.Generating, probe, mean: false), vector, "batched vs naive");
    }

    [Fact]
    public async Task Dimensions_CutsAndRenormalises_AndBase64DecodesToTheFloats()
    {
        var tokens = await EmbeddingServersFixture.TokenizeAsync(servers.Server, "Tom liked the big red ball.");
        var floats = Floats((await EmbedAsync(servers.Server, new { input = tokens, dimensions = 16 })).GetProperty("data")[0]);
        AssertClose(Expected(servers.Generating, tokens, mean: false, dimensions: 16), floats, "16 dimensions");
        Assert.Equal(1.0, Math.Sqrt(floats.Sum(v => (double)v * v)), 5);

        var encoded = (await EmbedAsync(servers.Server, new { input = tokens, dimensions = 16, encoding_format = "base64" })).GetProperty("data")[0];
        var bytes = Convert.FromBase64String(encoded.GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();   // little-endian float32, as OpenAI's
        Assert.Equal(floats, decoded);
    }

    [Fact]
    public async Task PoolingRunner_MeanPools_AndRefusesToGenerate()
    {
        var tokens = await EmbeddingServersFixture.TokenizeAsync(servers.PoolingServer, "Lily and Ben went to the beach.");
        var vector = Floats((await EmbedAsync(servers.PoolingServer, new { model = "tiny", input = "Lily and Ben went to the beach." })).GetProperty("data")[0]);
        AssertClose(Expected(servers.Embedding, tokens, mean: true), vector, "mean pooling");

        using var chat = await servers.PoolingServer.Http.PostAsJsonAsync("v1/completions", new { prompt = "Hi", max_tokens = 4 });
        Assert.Equal(400, (int)chat.StatusCode);
        using var error = JsonDocument.Parse(await chat.Content.ReadAsStringAsync());
        Assert.Contains("--runner pooling", error.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
