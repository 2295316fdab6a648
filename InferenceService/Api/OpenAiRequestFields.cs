using System.Collections.Frozen;

namespace InferenceService.Api;

/// <summary>
/// The top-level fields of OpenAI's request schemas (CreateChatCompletionRequest, CreateCompletionRequest and
/// CreateEmbeddingRequest of its OpenAPI specification, checked against it by the tests). A field the server reads is honoured (vLLM's extras too); a field of
/// these lists it does not read is refused as unsupported, any other as unknown (<see cref="JsonRequest.RefuseUnread"/>).
/// </summary>
public static class OpenAiRequestFields
{
    public static readonly FrozenSet<string> Chat = FrozenSet.ToFrozenSet(
    [
        "audio", "frequency_penalty", "function_call", "functions", "logit_bias", "logprobs", "max_completion_tokens", "max_tokens",
        "messages", "metadata", "modalities", "model", "moderation", "n", "parallel_tool_calls", "prediction", "presence_penalty",
        "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "reasoning_effort", "response_format", "safety_identifier",
        "seed", "service_tier", "stop", "store", "stream", "stream_options", "temperature", "tool_choice", "tools", "top_logprobs",
        "top_p", "user", "verbosity", "web_search_options",
    ]);

    public static readonly FrozenSet<string> Completions = FrozenSet.ToFrozenSet(
    [
        "best_of", "echo", "frequency_penalty", "logit_bias", "logprobs", "max_tokens", "model", "n", "presence_penalty", "prompt",
        "seed", "stop", "stream", "stream_options", "suffix", "temperature", "top_p", "user",
    ]);

    public static readonly FrozenSet<string> Embeddings = FrozenSet.ToFrozenSet(["dimensions", "encoding_format", "input", "model", "user"]);
}
