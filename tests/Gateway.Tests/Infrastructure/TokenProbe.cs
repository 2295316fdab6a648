using System.Net;

namespace Gateway.Tests.Infrastructure;

/// <summary>Reads a key's tokens bucket through the gateway: a small request (prompt "word", max_tokens 1: 2 tokens
/// reserved) and the x-ratelimit-remaining-tokens it is answered with.</summary>
public static class TokenProbe
{
    public const int Reserved = 2;

    public static async Task<int> RemainingAsync(GatewayProcess gateway, CreatedKey key)
    {
        using var response = await gateway.Http.SendAsync(OpenAiRequests.Chat(key.Secret, SharedCluster.ModelA, maxTokens: 1, promptWords: 1));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return int.Parse(OpenAiRequests.Header(response, "x-ratelimit-remaining-tokens")!);
    }
}
