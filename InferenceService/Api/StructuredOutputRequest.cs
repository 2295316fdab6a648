using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Core;
using Engine.Sampling;
using Engine.StructuredOutput;

namespace InferenceService.Api;

/// <summary>
/// A request's structured-output field, read into a <see cref="Grammar"/>: OpenAI's response_format (text,
/// json_object, json_schema), vLLM's guided_json / guided_regex / guided_choice, or vLLM's newer structured_outputs
/// {json | regex | choice | json_object}. At most one may be given. What is not supported (guided_grammar, a
/// whitespace pattern, another backend) is refused with a 400 naming it, never ignored. <see cref="Param"/> names the
/// field, so that a schema the compiler refuses is a 400 pointing at it.
/// </summary>
public sealed partial record StructuredOutputRequest(Grammar Grammar, string Param)
{
    private static readonly string[] Unsupported = ["guided_grammar", "guided_whitespace_pattern", "guided_decoding_backend"];
    private static readonly string[] UnsupportedStructuredOutputs =
        ["grammar", "structural_tag", "whitespace_pattern", "disable_any_whitespace", "disable_additional_properties", "disable_fallback"];

    /// <summary>The structured output the body asks for, or null when it asks for none.</summary>
    public static StructuredOutputRequest? Read(JsonRequest body)
    {
        foreach (var name in Unsupported)
            if (body.Has(name)) throw ApiException.BadRequest($"'{name}' is not supported: use guided_json, guided_regex, guided_choice or response_format.", name);
        var found = new List<StructuredOutputRequest>();
        if (ResponseFormat(body) is { } format) found.Add(format);
        if (body.Find("guided_json") is { } json) found.Add(new(Grammar.Json(Schema(json, "guided_json")), "guided_json"));
        if (body.Find("guided_regex") is { } regex) found.Add(new(Grammar.Regex(Text(regex, "guided_regex")), "guided_regex"));
        if (body.Find("guided_choice") is { } choice) found.Add(new(Grammar.Choice(Choices(choice, "guided_choice")), "guided_choice"));
        if (body.Object("structured_outputs") is { } structured && StructuredOutputs(structured) is { } fromStructured) found.Add(fromStructured);
        if (found.Count > 1)
            throw ApiException.BadRequest($"'{found[0].Param.Split('.')[0]}' and '{found[1].Param.Split('.')[0]}' both ask for a structured output; give only one.", found[1].Param.Split('.')[0]);
        return found.FirstOrDefault();
    }

    /// <summary>The sampling parameters with this grammar compiled for the engine; a grammar the compiler refuses is a 400.</summary>
    public SamplingParams Constrain(SamplingParams sampling, LlmEngine engine)
    {
        if (sampling.StructuredOutput is not null)
            throw ApiException.BadRequest($"'{Param.Split('.')[0]}' cannot be combined with a tool_choice that constrains the output.", Param.Split('.')[0]);
        try
        {
            return sampling with { StructuredOutput = engine.CompileGrammar(Grammar) };
        }
        catch (GrammarException error)
        {
            throw ApiException.BadRequest(error.Message, Param);
        }
    }

    private static StructuredOutputRequest? ResponseFormat(JsonRequest body)
    {
        if (body.Object("response_format") is not { } format) return null;
        if (!format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw ApiException.BadRequest("'response_format.type' is required: \"text\", \"json_object\" or \"json_schema\".", "response_format.type");
        switch (type.GetString())
        {
            case "text":
                OnlyFields(format, "response_format", "type");
                return null;
            case "json_object":
                OnlyFields(format, "response_format", "type");
                return new(Grammar.JsonObject, "response_format");
            case "json_schema":
                OnlyFields(format, "response_format", "type", "json_schema");
                if (!format.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object)
                    throw ApiException.BadRequest("'response_format.json_schema' must be an object with 'name' and 'schema'.", "response_format.json_schema");
                OnlyFields(spec, "response_format.json_schema", "name", "description", "schema", "strict");
                if (!spec.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !SchemaName().IsMatch(name.GetString()!))
                    throw ApiException.BadRequest("'response_format.json_schema.name' is required: up to 64 letters, digits, '_' or '-'.", "response_format.json_schema.name");
                if (spec.TryGetProperty("description", out var description) && description.ValueKind != JsonValueKind.String)
                    throw ApiException.BadRequest("'response_format.json_schema.description' must be a string.", "response_format.json_schema.description");
                // The grammar is always enforced, so strict true and false both get a valid output.
                if (spec.TryGetProperty("strict", out var strict) && strict.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
                    throw ApiException.BadRequest("'response_format.json_schema.strict' must be a boolean.", "response_format.json_schema.strict");
                if (!spec.TryGetProperty("schema", out var schema))
                    throw ApiException.BadRequest("'response_format.json_schema.schema' is required.", "response_format.json_schema.schema");
                return new(Grammar.Json(Schema(schema, "response_format.json_schema.schema")), "response_format.json_schema.schema");
            default:
                throw ApiException.BadRequest($"'response_format.type' must be \"text\", \"json_object\" or \"json_schema\", got '{type.GetString()}'.", "response_format.type");
        }
    }

    private static StructuredOutputRequest? StructuredOutputs(JsonElement options)
    {
        foreach (var property in options.EnumerateObject())
        {
            string param = "structured_outputs." + property.Name;
            if (UnsupportedStructuredOutputs.Contains(property.Name))
                throw ApiException.BadRequest($"'{param}' is not supported: use json, regex, choice or json_object.", param);
            if (property.Name is not ("json" or "regex" or "choice" or "json_object"))
                throw ApiException.BadRequest($"'{param}' is not a structured_outputs field (json, regex, choice, json_object).", param);
        }
        var found = new List<StructuredOutputRequest>();
        if (Present(options, "json") is { } json) found.Add(new(Grammar.Json(Schema(json, "structured_outputs.json")), "structured_outputs.json"));
        if (Present(options, "regex") is { } regex) found.Add(new(Grammar.Regex(Text(regex, "structured_outputs.regex")), "structured_outputs.regex"));
        if (Present(options, "choice") is { } choice) found.Add(new(Grammar.Choice(Choices(choice, "structured_outputs.choice")), "structured_outputs.choice"));
        if (Present(options, "json_object") is { } jsonObject)
        {
            if (jsonObject.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw ApiException.BadRequest("'structured_outputs.json_object' must be a boolean.", "structured_outputs.json_object");
            if (jsonObject.ValueKind == JsonValueKind.True) found.Add(new(Grammar.JsonObject, "structured_outputs.json_object"));
        }
        if (found.Count > 1)
            throw ApiException.BadRequest($"'{found[0].Param}' and '{found[1].Param}' both ask for a structured output; give only one.", found[1].Param);
        return found.FirstOrDefault();
    }

    /// <summary>A JSON schema given as an object, or as the text of one (vLLM accepts both).</summary>
    private static JsonElement Schema(JsonElement value, string param)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var document = JsonDocument.Parse(value.GetString()!);
                value = document.RootElement.Clone();
            }
            catch (JsonException error)
            {
                throw ApiException.BadRequest($"'{param}' is not valid JSON: {error.Message}", param);
            }
        }
        return value.ValueKind == JsonValueKind.Object ? value : throw ApiException.BadRequest($"'{param}' must be a JSON schema object.", param);
    }

    private static string Text(JsonElement value, string param) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ApiException.BadRequest($"'{param}' must be a string.", param);

    private static List<string> Choices(JsonElement value, string param)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
            throw ApiException.BadRequest($"'{param}' must be a non-empty list of strings.", param);
        return [.. value.EnumerateArray().Select(c => c.GetString()!)];
    }

    private static JsonElement? Present(JsonElement options, string name) =>
        options.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static void OnlyFields(JsonElement value, string param, params string[] allowed)
    {
        foreach (var property in value.EnumerateObject())
            if (!allowed.Contains(property.Name))
                throw ApiException.BadRequest($"'{param}.{property.Name}' is not a field of {param} (expected {string.Join(", ", allowed)}).", $"{param}.{property.Name}");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SchemaName();
}
