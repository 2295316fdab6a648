namespace Engine.Loading.Gguf;

/// <summary>A GGUF file's key/value metadata with typed getters: integers of any GGUF integer type are accepted
/// (range-checked), floats of either width; any other type is an <see cref="InvalidDataException"/> naming the key.</summary>
public sealed class GgufMetadata(IReadOnlyDictionary<string, GgufValue> values, string path)
{
    public IReadOnlyDictionary<string, GgufValue> Values => values;

    public bool Contains(string key) => values.ContainsKey(key);

    public string? String(string key) => Get(key) is { } v ? v.Value as string ?? throw WrongType(key, v, "string") : null;

    public bool? Bool(string key) => Get(key) is { } v ? v.Value as bool? ?? throw WrongType(key, v, "bool") : null;

    public long? Integer(string key) => Get(key) is { } v ? ToInteger(v.Value) ?? throw WrongType(key, v, "integer") : null;

    /// <summary>An integer that must be positive and fit an int (sizes, counts).</summary>
    public int? PositiveInt(string key) => Integer(key) switch
    {
        null => null,
        > 0 and <= int.MaxValue and var n => (int)n,
        var n => throw new InvalidDataException($"{path}: metadata '{key}' is {n}, expected a positive 32-bit integer."),
    };

    public double? Float(string key) => Get(key) is { } v
        ? v.Value switch { float f => f, double d => d, _ => throw WrongType(key, v, "float") }
        : null;

    public string[]? StringArray(string key) => Get(key) is { } v ? v.Value as string[] ?? throw WrongType(key, v, "array of string") : null;

    public float[]? FloatArray(string key) => Get(key) is { } v ? v.Value as float[] ?? throw WrongType(key, v, "array of Float32") : null;

    /// <summary>An array of any integer element type.</summary>
    public long[]? IntegerArray(string key)
    {
        if (Get(key) is not { } v) return null;
        if (v.Value is not Array array || v.Value is string[] or float[] or double[] or bool[] or object[])
            throw WrongType(key, v, "array of integers");
        return array.Cast<object>().Select(e => ToInteger(e)!.Value).ToArray();
    }

    private GgufValue? Get(string key) => values.TryGetValue(key, out var v) ? v : null;

    private static long? ToInteger(object value) => value switch
    {
        byte b => b,
        sbyte b => b,
        ushort s => s,
        short s => s,
        uint i => i,
        int i => i,
        long l => l,
        ulong u when u <= long.MaxValue => (long)u,
        _ => null,
    };

    private InvalidDataException WrongType(string key, GgufValue value, string expected) =>
        new($"{path}: metadata '{key}' has type {value.TypeName}, expected {expected}.");
}
