using System.Text.Json;

namespace InferenceService.Api;

/// <summary>
/// Typed, validated access to a JSON request body. Every read names its parameter, so a wrong type or an
/// out-of-range value becomes a 400 that says which field is wrong (never a 500 or a framework 422).
/// Fields nobody read are refused (<see cref="RefuseUnread"/>): nothing is silently ignored.
/// </summary>
public sealed class JsonRequest
{
    private readonly JsonElement _root;
    private readonly HashSet<string> _read = [];

    public JsonRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("The request body must be a JSON object.");
        _root = root;
    }

    public static async Task<JsonRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        // JsonDocument only notices invalid UTF-8 when a string is read later; refuse it up front.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw ApiException.BadRequest("The request body is not valid UTF-8.");
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return new JsonRequest(document.RootElement.Clone());
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {error.Message}");
        }
    }

    /// <summary>
    /// Refuses the first field nobody read, with a 400 naming it: one of OpenAI's (<paramref name="openAiFields"/>) as
    /// unsupported, unless null (OpenAI's default, as if absent); any other as unknown.
    /// </summary>
    public void RefuseUnread(IReadOnlySet<string> openAiFields, string route)
    {
        foreach (var field in _root.EnumerateObject().Where(p => !_read.Contains(p.Name)))
        {
            if (!openAiFields.Contains(field.Name))
                throw ApiException.BadRequest($"Unknown field '{field.Name}': {route} takes the fields of OpenAI's API and the vLLM extensions this server honours.", field.Name);
            if (field.Value.ValueKind != JsonValueKind.Null)
                throw ApiException.BadRequest($"'{field.Name}' is not supported by this server (a field of OpenAI's API it does not honour).", field.Name);
        }
    }

    /// <summary>Refuses the first field nobody read, for an API of this server's own (not OpenAI's): the 400 lists the fields it takes.</summary>
    public void RefuseUnknown(string route)
    {
        foreach (var field in _root.EnumerateObject().Where(p => !_read.Contains(p.Name)))
            throw ApiException.BadRequest($"Unknown field '{field.Name}': {route} takes {string.Join(", ", _read)}.", field.Name);
    }

    public bool Has(string name) => Find(name) is not null;

    public JsonElement? Find(string name)
    {
        _read.Add(name);
        return _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public string? String(string name)
    {
        if (Find(name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw WrongType(name, "a string");
    }

    public bool? Bool(string name)
    {
        if (Find(name) is not { } v) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(name, "a boolean"),
        };
    }

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Find(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long value)) throw WrongType(name, "an integer");
        if (value < min || value > max) throw OutOfRange(name, value.ToString(), min, max);
        return (int)value;
    }

    public long? Long(string name)
    {
        if (Find(name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long value) ? value : throw WrongType(name, "an integer");
    }

    public float? Float(string name, double min = double.MinValue, double max = double.MaxValue)
    {
        if (Find(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number) throw WrongType(name, "a number");
        double value = v.GetDouble();
        if (double.IsNaN(value) || value < min || value > max) throw OutOfRange(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), min, max);
        return (float)value;
    }

    /// <summary>A string or a list of at most <paramref name="maxCount"/> strings (stop) of at most <paramref name="maxLength"/> characters.</summary>
    public List<string> Strings(string name, int maxCount = int.MaxValue, int maxLength = int.MaxValue)
    {
        if (Find(name) is not { } v) return [];
        List<string> strings;
        if (v.ValueKind == JsonValueKind.String) strings = [v.GetString()!];
        else if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            strings = v.EnumerateArray().Select(e => e.GetString()!).ToList();
        else throw WrongType(name, "a string or a list of strings");
        if (strings.Count > maxCount) throw ApiException.BadRequest($"'{name}' may have at most {maxCount} strings, got {strings.Count}.", name);
        if (strings.Any(s => s.Length > maxLength)) throw ApiException.BadRequest($"'{name}' strings may have at most {maxLength} characters.", name);
        return strings;
    }

    public List<int> Ints(string name)
    {
        if (Find(name) is not { } v) return [];
        if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
            return v.EnumerateArray().Select(e => e.GetInt32()).ToList();
        throw WrongType(name, "a list of integers");
    }

    public JsonElement? Object(string name)
    {
        if (Find(name) is not { } v) return null;
        return v.ValueKind == JsonValueKind.Object ? v : throw WrongType(name, "an object");
    }

    private static ApiException WrongType(string name, string expected) =>
        ApiException.BadRequest($"'{name}' must be {expected}.", name);

    private static ApiException OutOfRange(string name, string value, double min, double max) =>
        ApiException.BadRequest($"'{name}' must be {Range(min, max)}, got {value}.", name);

    private static string Range(double min, double max) =>
        (min > double.MinValue / 2 && min > int.MinValue, max < double.MaxValue / 2 && max < int.MaxValue) switch
        {
            (true, true) => $"between {min} and {max}",
            (true, false) => $"at least {min}",
            (false, true) => $"at most {max}",
            _ => $"between {min} and {max}",
        };
}
