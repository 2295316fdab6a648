namespace Engine.StructuredOutput.Json;

/// <summary>The JSON-schema keywords the compiler understands. Any other keyword is refused: ignoring one would let
/// through values the schema forbids.</summary>
internal static class SchemaKeywords
{
    /// <summary>Keywords that constrain values, and are honoured.</summary>
    public static readonly HashSet<string> Supported =
    [
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format",
        "anyOf", "oneOf", "allOf", "$ref",
    ];

    /// <summary>Keywords that constrain nothing (annotations, definitions) and may appear anywhere.</summary>
    public static readonly HashSet<string> Inert =
    [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "$anchor", "deprecated", "readOnly", "writeOnly",
        "contentMediaType", "contentEncoding", "$defs", "definitions",
    ];

    public static readonly string[] Types = ["null", "boolean", "object", "array", "number", "integer", "string"];

    public static readonly HashSet<string> ObjectKeywords = ["properties", "required", "additionalProperties"];
    public static readonly HashSet<string> ArrayKeywords = ["items", "prefixItems", "minItems", "maxItems"];
    public static readonly HashSet<string> StringKeywords = ["minLength", "maxLength", "pattern", "format"];
    public static readonly HashSet<string> NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

    /// <summary>What to add when a keyword is refused.</summary>
    public static string Hint(string keyword) => keyword == "nullable"
        ? " (OpenAPI's 'nullable' is not JSON Schema: list the types instead, e.g. \"type\": [\"string\", \"null\"])"
        : "";
}
