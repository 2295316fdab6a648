using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Routing;

/// <summary>
/// What the gateway needs from an OpenAI request body: the model, and whether the response will be streamed
/// with usage. One pass of a JSON reader over the top level; the rest is skipped (and thereby validated).
/// </summary>
public sealed record RequestInspection(string? Model, bool Stream, bool IncludeUsage)
{
    /// <summary>The inspection, or null if the body is not a JSON object.</summary>
    public static RequestInspection? Parse(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? model = null;
            bool stream = false, includeUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    includeUsage = ReadIncludeUsage(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            // The object must close and nothing may follow it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
            return new RequestInspection(model, stream, includeUsage);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The body with <c>stream_options.include_usage = true</c> (to meter tokens of streams that did not ask for usage).</summary>
    public static byte[] WithIncludeUsage(ReadOnlySpan<byte> body)
    {
        var root = JsonNode.Parse(body)!.AsObject();
        if (root["stream_options"] is not JsonObject options)
        {
            options = new JsonObject();
            root["stream_options"] = options;
        }
        options["include_usage"] = true;
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }
        var includeUsage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage) includeUsage = reader.TokenType == JsonTokenType.True;
            reader.Skip();
        }
        return includeUsage;
    }
}
