using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceService.Api;

namespace InferenceService.Responses;

/// <summary>
/// A POST /v1/responses body, read with OpenAI's names and types. This server is stateless: nothing is stored, so
/// previous_response_id, conversation, background and store: true are refused; every other field is honoured or refused
/// with a 400 naming it (unlike chat's vLLM rule of ignoring unknown fields, which would hide a behaviour the client asked for).
/// </summary>
public sealed record ResponseRequest
{
    /// <summary>Fields accepted with no effect on the output: OpenAI's safety identifier and the prompt cache's key (this
    /// server's prefix cache needs no key). <c>user</c> is honoured as on chat (<see cref="EndUser"/>).</summary>
    private static readonly string[] Identifiers = ["safety_identifier", "prompt_cache_key"];

    public required string? Model { get; init; }
    public required JsonElement Messages { get; init; }
    public required string? Instructions { get; init; }
    public required int? MaxOutputTokens { get; init; }
    public required float Temperature { get; init; }
    public required float TopP { get; init; }
    public required ResponseTools Tools { get; init; }
    public required bool Stream { get; init; }
    public required JsonObject Metadata { get; init; }
    public required string? User { get; init; }
    /// <summary>The grammar text.format asks for (json_object, json_schema), or null for text.</summary>
    public required StructuredOutputRequest? StructuredOutput { get; init; }
    /// <summary>text.format as the response repeats it.</summary>
    public required JsonNode TextFormat { get; init; }

    public static ResponseRequest Read(JsonRequest body)
    {
        Refuse(body.String("previous_response_id") is not null, "previous_response_id",
            "'previous_response_id' is not supported: this server stores no responses; send the whole conversation in 'input'.");
        Refuse(body.Find("conversation") is not null, "conversation", "'conversation' is not supported: this server stores no conversations.");
        Refuse(body.Bool("background") == true, "background", "'background' responses are not supported (nothing is stored to poll).");
        Refuse(body.Bool("store") == true, "store", "'store': true is not supported: this server stores no responses; send false or leave it out.");
        Refuse(body.Find("include") is { ValueKind: JsonValueKind.Array } include && include.GetArrayLength() > 0 || body.Find("include") is { ValueKind: not JsonValueKind.Array },
            "include", "'include' is not supported (no extra output data such as logprobs or encrypted reasoning).");
        Refuse(body.Find("reasoning") is not null, "reasoning", "'reasoning' options are not supported: a reasoning model thinks as its server's --reasoning-parser says.");
        Refuse(body.Find("prompt") is not null, "prompt", "'prompt' templates are not supported; send 'input'.");
        Refuse(body.Find("top_logprobs") is not null, "top_logprobs", "'top_logprobs' is not supported by /v1/responses yet; use /v1/chat/completions.");
        Refuse(body.Find("max_tool_calls") is not null, "max_tool_calls", "'max_tool_calls' limits built-in tools, which this server has none of.");
        Refuse(body.String("truncation") is { } truncation && truncation != "disabled", "truncation",
            "'truncation' must be \"disabled\": an input longer than the context is refused, never cut.");
        Refuse(body.String("service_tier") is { } tier && tier is not ("auto" or "default"), "service_tier", "'service_tier' must be \"auto\" or \"default\".");
        Refuse(body.Object("stream_options") is { } options && (body.Bool("stream") != true || options.EnumerateObject().Any(o => o.Name != "include_obfuscation" || o.Value.ValueKind == JsonValueKind.True)),
            "stream_options", "'stream_options' is only allowed with 'stream': true, and only with include_obfuscation false (no obfuscation is added).");
        foreach (var identifier in Identifiers) body.String(identifier);
        var (structuredOutput, textFormat) = ReadText(body.Object("text"));

        var instructions = body.String("instructions");
        var request = new ResponseRequest
        {
            Model = body.String("model"),
            Instructions = instructions,
            Messages = ResponseInput.Messages(instructions, body.Find("input")),
            MaxOutputTokens = body.Int("max_output_tokens", 1),
            Temperature = body.Float("temperature", 0, 2) ?? 1f,
            TopP = body.Float("top_p", 0, 1) ?? 1f,
            Tools = ResponseTools.Read(body),
            Stream = body.Bool("stream") ?? false,
            Metadata = ReadMetadata(body.Object("metadata")),
            User = body.String("user"),
            StructuredOutput = structuredOutput,
            TextFormat = textFormat,
        };
        body.RefuseUnread(FrozenSet<string>.Empty, "/v1/responses");   // OpenAI's fields this server does not honour were refused above by name
        return request;
    }

    /// <summary>text.format: text, json_object or json_schema (the structured-output constraint chat's response_format gives),
    /// and the format the response repeats; text.verbosity is a hint for OpenAI's own models that this server cannot honour.</summary>
    private static (StructuredOutputRequest? Constraint, JsonNode Echo) ReadText(JsonElement? text)
    {
        var plain = new JsonObject { ["type"] = "text" };
        if (text is not { } value) return (null, plain);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name == "verbosity")
                Refuse(property.Value.ValueKind != JsonValueKind.Null, "text.verbosity", "'text.verbosity' is not supported by this server's models.");
            else if (property.Name != "format")
                throw ApiException.BadRequest($"'text.{property.Name}' is not a known field (expected format, verbosity).", "text." + property.Name);
        }
        if (!value.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null) return (null, plain);
        if (format.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("'text.format' must be an object with a 'type'.", "text.format");
        return (StructuredOutputRequest.Format(format, "text.format", schemaNested: false), JsonNode.Parse(format.GetRawText())!);
    }

    /// <summary>metadata: at most 16 string values (keys up to 64 characters, values up to 512), echoed in the response.</summary>
    private static JsonObject ReadMetadata(JsonElement? metadata)
    {
        var result = new JsonObject();
        if (metadata is not { } value) return result;
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String || property.Name.Length > 64 || property.Value.GetString()!.Length > 512)
                throw ApiException.BadRequest($"'metadata.{property.Name}' must be a string of at most 512 characters under a key of at most 64.", "metadata");
            result[property.Name] = property.Value.GetString();
        }
        if (result.Count > 16) throw ApiException.BadRequest("'metadata' may have at most 16 keys.", "metadata");
        return result;
    }

    private static void Refuse(bool refused, string param, string message)
    {
        if (refused) throw ApiException.BadRequest(message, param);
    }
}
