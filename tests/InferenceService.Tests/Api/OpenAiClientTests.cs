#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK
using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace InferenceService.Tests.Api;

/// <summary>The official OpenAI .NET SDK, unchanged but for the base URL, against the real server.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class OpenAiClientTests(InferenceServerFixture server)
{
    private OpenAIClient Client => new(new ApiKeyCredential("not-needed"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "v1") });
    private ChatClient Chat => Client.GetChatClient(InferenceServerFixture.ModelName);
    private static readonly StoriesReference Story = StoriesReference.All[0];

    [Fact]
    public async Task ModelsList_HasTheServedModel()
    {
        var models = await Client.GetOpenAIModelClient().GetModelsAsync();
        Assert.Contains(models.Value, m => m.Id == InferenceServerFixture.ModelName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Completions_Greedy_EqualLlama2cReferenceText(int index)
    {
        var reference = StoriesReference.All[index];
        var (status, body) = await server.PostAsync("v1/completions", new
        {
            model = InferenceServerFixture.ModelName, prompt = reference.Prompt, max_tokens = reference.GreedyTokenIds.Length, temperature = 0,
        });
        Assert.Equal(200, status);
        var choice = body.GetProperty("choices")[0];
        // greedy_text decodes the generated ids alone, which drops a leading word space; in context (as vLLM
        // streams it) a continuation starting a new word keeps it.
        var text = choice.GetProperty("text").GetString()!;
        Assert.True(text == reference.GreedyText || text == " " + reference.GreedyText, $"got '{text}'");
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(reference.PromptTokenIds.Length, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(reference.GreedyTokenIds.Length, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_TokenIdPrompt_EqualsReference()
    {
        var (status, body) = await server.PostAsync("v1/completions", new { prompt = Story.PromptTokenIds, max_tokens = 20, temperature = 0 });
        Assert.Equal(200, status);
        var reference = await server.PostAsync("detokenize", new { tokens = Story.GreedyTokenIds.Take(20) });
        Assert.Equal(reference.Body.GetProperty("prompt").GetString()!.TrimStart(), body.GetProperty("choices")[0].GetProperty("text").GetString()!.TrimStart());
    }

    [Fact]
    public async Task Chat_WithTemplateFromFlag_GreedyEqualsReference_UsageCounted()
    {
        var completion = (await Chat.CompleteChatAsync([new UserChatMessage(Story.Prompt)],
            new ChatCompletionOptions { MaxOutputTokenCount = Story.GreedyTokenIds.Length, Temperature = 0 })).Value;
        Assert.Equal(Story.GreedyText, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(Story.PromptTokenIds.Length, completion.Usage.InputTokenCount);   // BOS + prompt, rendered by the template
        Assert.Equal(Story.GreedyTokenIds.Length, completion.Usage.OutputTokenCount);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Chat_StreamingChunks_ConcatenateToTheNonStreamedText()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 50, Temperature = 0.8f, Seed = 42 };
        var whole = (await Chat.CompleteChatAsync([new UserChatMessage("The dog")], options)).Value.Content[0].Text;
        var streamed = new StringBuilder();
        int chunks = 0;
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("The dog")], options))
        {
            foreach (var part in update.ContentUpdate) { streamed.Append(part.Text); chunks++; }
            usage ??= update.Usage;
        }
        Assert.Equal(whole, streamed.ToString());
        Assert.True(chunks > 5, $"expected many chunks, got {chunks}");
        Assert.NotNull(usage);
        Assert.Equal(50, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task StopString_EndsTheTextBeforeIt()
    {
        var completion = (await Chat.CompleteChatAsync([new UserChatMessage(Story.Prompt)],
            new ChatCompletionOptions { MaxOutputTokenCount = 60, Temperature = 0, StopSequences = { "Lily" } })).Value;
        Assert.Equal(", there was a little girl named ", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task Seed_SameSeedSameText_OtherSeedOtherText()
    {
        ChatCompletionOptions Options(long seed) => new() { MaxOutputTokenCount = 40, Temperature = 1f, Seed = seed };
        async Task<string> Text(long seed) => (await Chat.CompleteChatAsync([new UserChatMessage("Tom")], Options(seed))).Value.Content[0].Text;
        var first = await Text(7);
        Assert.Equal(first, await Text(7));
        Assert.NotEqual(first, await Text(8));
    }

    [Fact]
    public async Task Logprobs_PresentAndConsistentWithTheSampledToken()
    {
        var completion = (await Chat.CompleteChatAsync([new UserChatMessage(Story.Prompt)], new ChatCompletionOptions
        {
            MaxOutputTokenCount = 12, Temperature = 0, IncludeLogProbabilities = true, TopLogProbabilityCount = 3,
        })).Value;
        Assert.Equal(12, completion.ContentTokenLogProbabilities.Count);
        Assert.Equal(completion.Content[0].Text, string.Concat(completion.ContentTokenLogProbabilities.Select(t => t.Token)));
        foreach (var token in completion.ContentTokenLogProbabilities)
        {
            Assert.True(token.LogProbability <= 0);
            Assert.Equal(3, token.TopLogProbabilities.Count);
            // Greedy: the sampled token is the most likely one, with the same logprob.
            Assert.Equal(token.Token, token.TopLogProbabilities[0].Token);
            Assert.Equal(token.LogProbability, token.TopLogProbabilities[0].LogProbability, 5);
            Assert.True(token.TopLogProbabilities.Zip(token.TopLogProbabilities.Skip(1)).All(p => p.First.LogProbability >= p.Second.LogProbability));
        }
    }

    [Fact]
    public async Task N2_ReturnsTwoChoices_WithUsageForBoth()
    {
        var (status, body) = await server.PostAsync("v1/chat/completions", new
        {
            model = InferenceServerFixture.ModelName, messages = new[] { new { role = "user", content = "Tom" } }, n = 2, max_tokens = 15, temperature = 1.0, seed = 3,
        });
        Assert.Equal(200, status);
        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.NotEqual(choices[0].GetProperty("message").GetProperty("content").GetString(), choices[1].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(30, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CompletionsStream_ConcatenatesToNonStreamed_EndsWithDone()
    {
        var request = new { prompt = Story.Prompt, max_tokens = 30, temperature = 0, stream = true, stream_options = new { include_usage = true } };
        using var response = await server.Http.PostAsync("v1/completions", JsonContent(request));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement).ToList();
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));
        var detokenized = await server.PostAsync("detokenize", new { tokens = Story.GreedyTokenIds.Take(30) });
        Assert.Equal(detokenized.Body.GetProperty("prompt").GetString()!.TrimStart(), text.TrimStart());
        Assert.Equal(30, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
