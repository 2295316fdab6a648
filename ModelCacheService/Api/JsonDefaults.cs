using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelCacheService.Api;

/// <summary>One JSON style everywhere (API, Redis, manifests): snake_case like the OpenAI and Hugging Face APIs.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
