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
    /// <summary>The request's field that asked for it (response_format, text.format, guided_json, ...).</summary>
    public string Field { get; init; } = Param.Split('.')[0];

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
            throw ApiException.BadRequest($"'{found[0].Field}' and '{found[1].Field}' both ask for a structured output; give only one.", found[1].Field);
        return found.FirstOrDefault();
    }

    /// <summary>The sampling parameters with this grammar compiled for the engine; a grammar the compiler refuses is a 400.</summary>
    public SamplingParams Constrain(SamplingParams sampling, LlmEngine engine)
    {
        if (sampling.StructuredOutput is not null)
            throw ApiException.BadRequest($"'{Field}' cannot be combined with a tool_choice that constrains the output.", Field);
        try
        {
            return sampling with { StructuredOutput = engine.CompileGrammar(Grammar) };
        }
        catch (GrammarException error)
        {
            throw ApiException.BadRequest(error.Message, Param);
        }
    }

    private static StructuredOutputRequest? ResponseFormat(JsonRequest body) =>
        body.Object("response_format") is { } format ? Format(format, "response_format", schemaNested: true) : null;

    /// <summary>
    /// OpenAI's output format object found at <paramref name="param"/>: text (null: no constraint), json_object, or
    /// json_schema, whose name, description, schema and strict sit in a json_schema object (chat's response_format,
    /// <paramref name="schemaNested"/>) or beside its type (the Responses API's text.format).
    /// </summary>
    public static StructuredOutputRequest? Format(JsonElement format, string param, bool schemaNested)
    {
        if (!format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw ApiException.BadRequest($"'{param}.type' is required: \"text\", \"json_object\" or \"json_schema\".", param + ".type");
        switch (type.GetString())
        {
            case "text":
                OnlyFields(format, param, "type");
                return null;
            case "json_object":
                OnlyFields(format, param, "type");
                return new(Grammar.JsonObject, param) { Field = param };
            case "json_schema":
                var spec = format;
                string at = param;
                string[] fields = ["name", "description", "schema", "strict"];
                if (schemaNested)
                {
                    OnlyFields(format, param, "type", "json_schema");
                    at = param + ".json_schema";
                    if (!format.TryGetProperty("json_schema", out spec) || spec.ValueKind != JsonValueKind.Object)
                        throw ApiException.BadRequest($"'{at}' must be an object with 'name' and 'schema'.", at);
                    OnlyFields(spec, at, fields);
                }
                else OnlyFields(format, param, ["type", .. fields]);
                if (!spec.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !SchemaName().IsMatch(name.GetString()!))
                    throw ApiException.BadRequest($"'{at}.name' is required: up to 64 letters, digits, '_' or '-'.", at + ".name");
                if (spec.TryGetProperty("description", out var description) && description.ValueKind != JsonValueKind.String)
                    throw ApiException.BadRequest($"'{at}.description' must be a string.", at + ".description");
                // The grammar is always enforced, so strict true and false both get a valid output.
                if (spec.TryGetProperty("strict", out var strict) && strict.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
                    throw ApiException.BadRequest($"'{at}.strict' must be a boolean.", at + ".strict");
                if (!spec.TryGetProperty("schema", out var schema))
                    throw ApiException.BadRequest($"'{at}.schema' is required.", at + ".schema");
                return new(Grammar.Json(Schema(schema, at + ".schema")), at + ".schema") { Field = param };
            default:
                throw ApiException.BadRequest($"'{param}.type' must be \"text\", \"json_object\" or \"json_schema\", got '{type.GetString()}'.", param + ".type");
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
