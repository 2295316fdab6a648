using System.Text.Json.Nodes;

namespace Tests.Shared;

/// <summary>
/// The one list of what our responses may carry beyond OpenAI's schemas (vLLM's extensions), and of the shapes the
/// specification leaves out, each with its reason. <see cref="OpenAiSchema"/> applies them to the specification before
/// validating: anything else beyond the schemas is an error. A new extension is one line here.
/// </summary>
public static class OpenAiExtensions
{
    private static readonly IReadOnlyList<Action<JsonObject>> All =
    [
        // vLLM's model card: the model the server loaded (the served name, never a path), its base model, its context length.
        Property("Model", "root", """{"type": "string"}"""),
        Property("Model", "parent", """{"type": ["string", "null"]}"""),
        Property("Model", "max_model_len", """{"type": "integer"}"""),
        // vLLM's reasoning models: the thinking, apart from the answer.
        Property("ChatCompletionResponseMessage", "reasoning_content", """{"type": ["string", "null"]}"""),
        Property("ChatCompletionStreamResponseDelta", "reasoning_content", """{"type": ["string", "null"]}"""),
        // A response of the Responses API: OpenAI's live API says whether it was stored (ours never is); the spec's Response lacks it.
        schemas => schemas["Response"]!["allOf"]![2]!["properties"]!.AsObject().Add("store", JsonNode.Parse("""{"type": "boolean"}""")),
        // A streamed completions chunk: the specification gives it the response's shape, but OpenAI (and vLLM) send
        // finish_reason null on every chunk but a choice's last.
        Derived("CreateCompletionStreamResponse", from: "CreateCompletionResponse", "properties/choices/items/properties/finish_reason",
            schema => schema["nullable"] = true),
    ];

    /// <summary>Adds every extension to the specification's <c>components.schemas</c>.</summary>
    public static void ApplyTo(JsonObject schemas)
    {
        foreach (var extension in All) extension(schemas);
    }

    /// <summary>An extra property of an object schema, with its own schema.</summary>
    private static Action<JsonObject> Property(string schemaName, string property, string schema) => schemas =>
    {
        var properties = schemas[schemaName]!["properties"]!.AsObject();
        properties.Add(property, JsonNode.Parse(schema));
    };

    /// <summary>A new schema: a copy of <paramref name="from"/> with the subschema at <paramref name="path"/> changed.</summary>
    private static Action<JsonObject> Derived(string name, string from, string path, Action<JsonObject> change) => schemas =>
    {
        var copy = schemas[from]!.DeepClone();
        change(path.Split('/').Aggregate(copy, (node, segment) => node[segment]!).AsObject());
        schemas.Add(name, copy);
    };
}
