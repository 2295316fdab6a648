using System.Text.Json.Serialization;
using Gateway.Keys;

namespace Gateway.Admin;

/// <summary>A key as the admin API shows it; <see cref="Key"/> is set only in the answer to its creation.</summary>
public sealed record ApiKeyView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("requests_per_minute")] int? RequestsPerMinute,
    [property: JsonPropertyName("tokens_per_minute")] int? TokensPerMinute,
    [property: JsonPropertyName("revoked")] bool Revoked,
    [property: JsonPropertyName("min_priority")] int? MinPriority,
    [property: JsonPropertyName("key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null)
{
    [JsonPropertyName("object")]
    public string Object => "api_key";

    public static ApiKeyView Of(ApiKeyRecord record, string? key = null) => new(
        record.Id, record.Name, record.CreatedAt.ToUnixTimeSeconds(), record.RequestsPerMinute, record.TokensPerMinute, record.Revoked, record.MinPriority, key);
}
