using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Chat.Tools;
using InferenceService.Api;

namespace InferenceService.Tools;

/// <summary>
/// Reads a chat request's tools (OpenAI's shape: type "function" with name, description, parameters, strict), its tool_choice
/// and parallel_tool_calls, validated: every mistake is a 400 naming the field, and so is what cannot be honoured
/// (strict: true under tool_choice "auto", where calls are not constrained; under "required" or a named function every
/// call is) into <see cref="ChatTools"/>, whose definitions go to the chat template as the request wrote them.
/// </summary>
public static partial class ChatToolsRequest
{
    private static readonly string[] ToolKeys = ["type", "function"];
    private static readonly string[] FunctionKeys = ["name", "description", "parameters", "strict"];

    public static ChatTools Read(JsonRequest body)
    {
        var (definitions, names, strict) = ReadTools(body.Find("tools"));
        var choice = ReadChoice(body.Find("tool_choice"), names, definitions is not null);
        RefuseUnenforcedStrict(strict, choice);
        bool parallel = body.Bool("parallel_tool_calls") ?? true;
        foreach (var legacy in new[] { "functions", "function_call" })
            if (body.Has(legacy))
                throw ApiException.BadRequest($"'{legacy}' is deprecated and not supported; use 'tools' and 'tool_choice'.", legacy);
        return new ChatTools(definitions, names, choice, parallel);
    }

    /// <summary>The tools, their names, and the param of the first one with strict: true (null when none).</summary>
    private static (JsonElement? Definitions, HashSet<string> Names, string? Strict) ReadTools(JsonElement? tools)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? firstStrict = null;
        if (tools is not { } list) return (null, names, null);
        if (list.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest("'tools' must be a list of tools.", "tools");
        int i = 0;
        foreach (var tool in list.EnumerateArray())
        {
            string param = $"tools[{i++}]";
            RequireObject(tool, param, ToolKeys);
            if (!tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                throw ApiException.BadRequest($"'{param}.type' must be \"function\" (the only tool type supported).", param + ".type");
            if (!tool.TryGetProperty("function", out var function))
                throw ApiException.BadRequest($"'{param}.function' is required.", param + ".function");
            RequireObject(function, param + ".function", FunctionKeys);
            ReadFunction(function, param + ".function", names, out bool strict);
            if (strict) firstStrict ??= param + ".function.strict";
        }
        return (list, names, firstStrict);
    }

    /// <summary>Checks a function's name (new among <paramref name="names"/>, where it is added), description, parameters and
    /// strict (<paramref name="strict"/>: whether it is true), found in <paramref name="function"/> at <paramref name="param"/>.</summary>
    public static string ReadFunction(JsonElement function, string param, ISet<string> names, out bool strict)
    {
        var name = ReadName(function, param + ".name");
        if (!names.Add(name)) throw ApiException.BadRequest($"'{param}.name': the function '{name}' is defined twice.", param + ".name");
        if (function.TryGetProperty("description", out var description) && description.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            throw ApiException.BadRequest($"'{param}.description' must be a string.", param + ".description");
        if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            throw ApiException.BadRequest($"'{param}.parameters' must be a JSON schema object.", param + ".parameters");
        if (function.TryGetProperty("strict", out var flag) && flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            throw ApiException.BadRequest($"'{param}.strict' must be a boolean.", param + ".strict");
        strict = flag.ValueKind == JsonValueKind.True;
        return name;
    }

    /// <summary>Refuses strict: true (at <paramref name="strictParam"/>, null when no tool asks for it) where the calls are not constrained.</summary>
    public static void RefuseUnenforcedStrict(string? strictParam, ToolChoice choice)
    {
        if (strictParam is not null && choice.Mode == ToolChoiceMode.Auto)
            throw ApiException.BadRequest($"'{strictParam}': strict schema adherence is enforced when tool_choice is \"required\" or names a function; " +
                "under \"auto\" the model's calls are not constrained: leave strict out or false, or force the call.", strictParam);
    }

    private static ToolChoice ReadChoice(JsonElement? value, IReadOnlySet<string> names, bool hasTools)
    {
        if (value is not { } choice) return hasTools ? ToolChoice.Auto : ToolChoice.None;
        var result = choice.ValueKind switch
        {
            JsonValueKind.String => Mode(choice.GetString()!, "{\"type\": \"function\", \"function\": {\"name\": ...}}"),
            JsonValueKind.Object => Named(choice, names),
            _ => throw ApiException.BadRequest("'tool_choice' must be a string or an object naming a function.", "tool_choice"),
        };
        return RequireTools(result, hasTools);
    }

    /// <summary>tool_choice "none", "auto" or "required"; <paramref name="namedShape"/> shows the object that names a function.</summary>
    public static ToolChoice Mode(string value, string namedShape) => value switch
    {
        "none" => ToolChoice.None,
        "auto" => ToolChoice.Auto,
        "required" => ToolChoice.Required,
        _ => throw ApiException.BadRequest($"'tool_choice' must be \"none\", \"auto\", \"required\" or {namedShape}; got \"{value}\".", "tool_choice"),
    };

    public static ToolChoice RequireTools(ToolChoice choice, bool hasTools) =>
        choice.Mode != ToolChoiceMode.None && !hasTools
            ? throw ApiException.BadRequest("'tool_choice' needs 'tools': there is no tool to choose.", "tool_choice")
            : choice;

    private static ToolChoice Named(JsonElement choice, IReadOnlySet<string> names)
    {
        RequireObject(choice, "tool_choice", ToolKeys);
        if (!choice.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
            throw ApiException.BadRequest("'tool_choice.type' must be \"function\".", "tool_choice.type");
        if (!choice.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            throw ApiException.BadRequest("'tool_choice.function' must be an object with the function's name.", "tool_choice.function");
        RequireObject(function, "tool_choice.function", ["name"]);
        var name = ReadName(function, "tool_choice.function.name");
        if (!names.Contains(name))
            throw ApiException.BadRequest($"'tool_choice' names the function '{name}', which 'tools' does not define.", "tool_choice.function.name");
        return new ToolChoice(ToolChoiceMode.Named, name);
    }

    public static string ReadName(JsonElement function, string param)
    {
        if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            throw ApiException.BadRequest($"'{param}' is required and must be a string.", param);
        var text = name.GetString()!;
        if (!FunctionName().IsMatch(text))
            throw ApiException.BadRequest($"'{param}' must be 1 to 64 letters, digits, underscores or dashes; got '{text}'.", param);
        return text;
    }

    public static void RequireObject(JsonElement value, string param, IReadOnlyCollection<string> allowed)
    {
        if (value.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest($"'{param}' must be an object.", param);
        foreach (var property in value.EnumerateObject())
            if (!allowed.Contains(property.Name))
                throw ApiException.BadRequest($"'{param}.{property.Name}' is not a known field (expected {string.Join(", ", allowed)}).", $"{param}.{property.Name}");
    }

    /// <summary>OpenAI's rule for function names.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
