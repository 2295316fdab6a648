using System.Text.Json.Serialization;

namespace Gateway.TestBackend;

/// <summary>One request as the backend saw it.</summary>
public sealed record ReceivedRequest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("stream")] bool Stream,
    [property: JsonPropertyName("include_usage")] bool IncludeUsage,
    [property: JsonPropertyName("authorization")] string? Authorization,
    [property: JsonPropertyName("traceparent")] string? Traceparent,
    [property: JsonPropertyName("priority")] long? Priority = null);
