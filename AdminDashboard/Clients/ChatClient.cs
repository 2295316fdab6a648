using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdminDashboard.Configuration;

namespace AdminDashboard.Clients;

/// <summary>A chat message of the playground.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>The playground's sampling controls (null: the server's default).</summary>
public sealed class SamplingSettings
{
    public double Temperature { get; set; } = 0.8;
    public double TopP { get; set; } = 1.0;
    public int TopK { get; set; }
    public int MaxTokens { get; set; } = 64;
    public int? Seed { get; set; }
    public double PresencePenalty { get; set; }
    public double FrequencyPenalty { get; set; }
}

/// <summary>A piece of a streamed answer: text, and at the end the finish reason and usage.</summary>
public sealed record ChatDelta(string? Content, string? FinishReason = null, int? PromptTokens = null, int? CompletionTokens = null);

/// <summary>
/// POST /v1/chat/completions through the gateway with the caller's API key, streamed (SSE "data: {chunk}" … "data: [DONE]",
/// usage in the last chunk with stream_options.include_usage). An error before the stream is a <see cref="ServiceException"/>;
/// an error event inside it too.
/// </summary>
public sealed class ChatClient(ServiceHttp http, ServiceEndpoints endpoints)
{
    public const string Service = "gateway";

    public bool IsConfigured => endpoints.GatewayUrl is not null;

    public async IAsyncEnumerable<ChatDelta> StreamAsync(string apiKey, string model, IReadOnlyList<ChatMessage> messages, SamplingSettings sampling,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var baseUrl = endpoints.GatewayUrl ?? throw new ServiceException(Service, null, "not configured (services__gateway__http__0 is not set)");
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["temperature"] = sampling.Temperature,
            ["top_p"] = sampling.TopP,
            ["max_tokens"] = sampling.MaxTokens,
        };
        if (sampling.TopK > 0) body["top_k"] = sampling.TopK;
        if (sampling.Seed is { } seed) body["seed"] = seed;
        if (sampling.PresencePenalty != 0) body["presence_penalty"] = sampling.PresencePenalty;
        if (sampling.FrequencyPenalty != 0) body["frequency_penalty"] = sampling.FrequencyPenalty;

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "v1/chat/completions"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(Service, request, ct, stream: true);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var message in SseReader.ReadAsync(stream, ct))
        {
            if (message.Data == "[DONE]") yield break;
            var (errorMessage, errorCode) = ServiceException.ParseError(message.Data);
            if (errorMessage is not null) throw new ServiceException(Service, response.StatusCode, errorMessage, errorCode);
            if (Parse(message.Data) is { } delta) yield return delta;
        }
    }

    private static ChatDelta? Parse(string data)
    {
        try
        {
            using var json = JsonDocument.Parse(data);
            var root = json.RootElement;
            string? content = null, finish = null;
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                var choice = choices[0];
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                    content = c.GetString();
                if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
            }
            int? prompt = null, completion = null;
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                if (usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var pt)) prompt = pt;
                if (usage.TryGetProperty("completion_tokens", out var k) && k.TryGetInt32(out var ck)) completion = ck;
            }
            return content is null && finish is null && prompt is null ? null : new ChatDelta(content, finish, prompt, completion);
        }
        catch (JsonException)
        {
            Debug.WriteLine($"Unparsable chunk: {data}");
            return null;
        }
    }
}
