using System.Globalization;
using Engine.Sampling;

namespace InferenceService.Api;

/// <summary>
/// The generation parameters shared by /v1/completions and /v1/chat/completions, read from the body with OpenAI's
/// names and types, plus vLLM's extra sampling parameters. Only the API's own limits are checked here (n, OpenAI's
/// ceilings on temperature and repetition_penalty, logit_bias values); every sampling parameter's range is the
/// engine's rule, checked once when the request is added (<see cref="SamplingParams.Validate"/>).
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>Limits of 'stop': every stop string is looked for in the text after every token.</summary>
    public const int MaxStops = 16, MaxStopLength = 256;

    public required string? Model { get; init; }
    /// <summary>OpenAI's end-user identifier: traced and logged with the request.</summary>
    public required string? User { get; init; }
    public required int? MaxTokens { get; init; }
    public required int N { get; init; }
    public required bool Stream { get; init; }
    public required bool IncludeUsageInStream { get; init; }
    public required IReadOnlyList<string> Stop { get; init; }
    public required bool IncludeStopStringInOutput { get; init; }
    public required int Priority { get; init; }
    /// <summary>Everything but MaxTokens and Logprobs, which each endpoint sets, and the structured output.</summary>
    public required SamplingParams Sampling { get; init; }
    /// <summary>The grammar the output must match (response_format, guided_*, structured_outputs), or null.</summary>
    public required StructuredOutputRequest? StructuredOutput { get; init; }

    public static GenerationRequest Read(JsonRequest body)
    {
        var streamOptions = body.Object("stream_options");
        bool stream = body.Bool("stream") ?? false;
        if (streamOptions is not null && !stream)
            throw ApiException.BadRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options");
        bool includeUsage = streamOptions is { } so && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == System.Text.Json.JsonValueKind.True;

        return new GenerationRequest
        {
            Model = body.String("model"),
            User = body.String("user"),
            MaxTokens = body.Int("max_tokens"),
            N = body.Int("n", 1, 128) ?? 1,
            Stream = stream,
            IncludeUsageInStream = includeUsage,
            Stop = body.Strings("stop", MaxStops, MaxStopLength).Where(s => s.Length > 0).ToList(),
            IncludeStopStringInOutput = body.Bool("include_stop_str_in_output") ?? false,
            Priority = body.Int("priority") ?? 0,
            StructuredOutput = StructuredOutputRequest.Read(body),
            Sampling = new SamplingParams
            {
                Temperature = body.Float("temperature", max: 2) ?? 1f,
                TopP = body.Float("top_p") ?? 1f,
                TopK = body.Int("top_k") ?? 0,
                MinP = body.Float("min_p") ?? 0f,
                Seed = body.Long("seed"),
                PresencePenalty = body.Float("presence_penalty") ?? 0f,
                FrequencyPenalty = body.Float("frequency_penalty") ?? 0f,
                RepetitionPenalty = body.Float("repetition_penalty", max: 2) ?? 1f,
                LogitBias = LogitBias(body),
                MinTokens = body.Int("min_tokens") ?? 0,
                StopTokenIds = body.Ints("stop_token_ids"),
                IgnoreEos = body.Bool("ignore_eos") ?? false,
            },
        };
    }

    private static Dictionary<int, float>? LogitBias(JsonRequest body)
    {
        if (body.Object("logit_bias") is not { } bias) return null;
        var result = new Dictionary<int, float>();
        foreach (var entry in bias.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int token))
                throw ApiException.BadRequest($"'logit_bias' keys must be token ids, got '{entry.Name}'.", "logit_bias");
            if (entry.Value.ValueKind != System.Text.Json.JsonValueKind.Number || entry.Value.GetDouble() is < -100 or > 100)
                throw ApiException.BadRequest($"'logit_bias' values must be numbers between -100 and 100 (token {token}).", "logit_bias");
            result[token] = (float)entry.Value.GetDouble();
        }
        return result;
    }
}
