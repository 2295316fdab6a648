using System.Text.Json;

namespace Gateway.Admin;

/// <summary>The body of POST /admin/keys: {"name", "requests_per_minute"?, "tokens_per_minute"?, "min_priority"?}, validated.</summary>
public sealed record CreateKeyRequest(string Name, int? RequestsPerMinute, int? TokensPerMinute, int? MinPriority)
{
    public const int MaxNameLength = 100;

    /// <summary>The request, or the message and parameter of what is wrong with it.</summary>
    public static (CreateKeyRequest? Request, string? Error, string? Param) Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.", null);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "The body must be a JSON object.", null);
            if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String ||
                string.IsNullOrWhiteSpace(name.GetString()) || name.GetString()!.Length > MaxNameLength)
                return (null, $"'name' must be a non-empty string of at most {MaxNameLength} characters.", "name");
            var (rpm, rpmError) = Limit(root, "requests_per_minute");
            if (rpmError is not null) return (null, rpmError, "requests_per_minute");
            var (tpm, tpmError) = Limit(root, "tokens_per_minute");
            if (tpmError is not null) return (null, tpmError, "tokens_per_minute");
            int? minPriority = null;
            if (root.TryGetProperty("min_priority", out var priority) && priority.ValueKind != JsonValueKind.Null)
            {
                if (priority.ValueKind != JsonValueKind.Number || !priority.TryGetInt32(out var floor))
                    return (null, "'min_priority' must be a whole number (the most urgent priority the key may ask for) or null (priority removed).",
                        "min_priority");
                minPriority = floor;
            }
            return (new CreateKeyRequest(name.GetString()!.Trim(), rpm, tpm, minPriority), null, null);
        }
    }

    private static (int? Value, string? Error) Limit(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return (null, null);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0) return (number, null);
        return (null, $"'{property}' must be a whole number >= 0 (0 = unlimited) or null (the gateway's default).");
    }
}
