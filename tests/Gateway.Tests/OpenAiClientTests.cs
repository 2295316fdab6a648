using System.ClientModel;
using Gateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Tests;

/// <summary>The official OpenAI .NET client against the gateway: success, streaming, and its parsing of our 401.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class OpenAiClientTests(SharedCluster cluster)
{
    private ChatClient Client(string key) => new(SharedCluster.ModelB, new ApiKeyCredential(key),
        new OpenAIClientOptions { Endpoint = new Uri(cluster.Gateway2.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    [Fact]
    public async Task Chat_completion_and_stream_work_through_the_gateway()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("sdk-user");
        var client = Client(key.Secret);

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("one two three")],
            new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        Assert.Equal("t0 t1 t2 ", completion.Content[0].Text);
        Assert.Equal(3, completion.Usage.InputTokenCount);
        Assert.Equal(3, completion.Usage.OutputTokenCount);

        var streamed = new List<string>();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 4 }))
            streamed.AddRange(update.ContentUpdate.Select(part => part.Text));
        Assert.Equal("t0 t1 t2 t3 ", string.Concat(streamed));
    }

    [Fact]
    public async Task A_wrong_key_surfaces_as_a_401_the_client_understands()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client("sk-wrong").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, error.Status);
        Assert.Contains("Incorrect API key", error.Message);
    }
}
