using System.Text.Json;

namespace Engine.Loading;

/// <summary>
/// One .safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// {name: {dtype, shape, data_offsets}}, then the raw tensor bytes. Nothing is copied on open.
/// A file from a hub is untrusted input: every header field is checked (lengths, offsets within the data and not
/// overlapping, shape × dtype size equal to the byte length, without overflow) before any pointer is made from it;
/// a bad file is an <see cref="InvalidDataException"/> naming what is wrong.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>The reference implementation's limit on the JSON header.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly MappedFile _file;
    private readonly byte* _base;
    private readonly Dictionary<string, (DType DType, int[] Shape, long Begin, long End)> _entries = new();

    public SafetensorsFile(string path)
    {
        Path = path;
        _file = new MappedFile(path);
        long length = _file.Length;
        _base = _file.Pointer;
        try
        {
            if (length < 8) throw Bad("too short to be a safetensors file");
            long headerLength = *(long*)_base;
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > length - 8)
                throw Bad($"header length {headerLength} is outside the file ({length} bytes) or over {MaxHeaderBytes}");
            DataStart = 8 + headerLength;
            ReadHeader(new ReadOnlySpan<byte>(_base + 8, (int)headerLength).ToArray(), length - DataStart);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Path { get; }
    public long DataStart { get; }
    public IEnumerable<string> Names => _entries.Keys;

    public HostTensor Get(string name)
    {
        var (dtype, shape, begin, _) = _entries[name];
        return new HostTensor(name, dtype, shape, _base + DataStart + begin, this);
    }

    private void ReadHeader(byte[] json, long dataLength)
    {
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw Bad($"the header is not valid JSON ({error.Message})");
        }
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                if (!_entries.TryAdd(entry.Name, Entry(entry.Name, entry.Value, dataLength))) throw Bad($"tensor '{entry.Name}' is listed twice");
            }
        }
        // The tensors may not share bytes.
        long previousEnd = 0;
        string? previous = null;
        foreach (var (name, (_, _, begin, end)) in _entries.OrderBy(e => e.Value.Begin).ThenBy(e => e.Value.End))
        {
            if (begin < previousEnd) throw Bad($"tensors '{previous}' and '{name}' overlap");
            (previousEnd, previous) = (end, name);
        }
    }

    private (DType, int[], long, long) Entry(string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object ||
            !value.TryGetProperty("dtype", out var dtypeName) || dtypeName.ValueKind != JsonValueKind.String ||
            !value.TryGetProperty("shape", out var shapeList) || shapeList.ValueKind != JsonValueKind.Array ||
            !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad($"tensor '{name}' needs a dtype string, a shape list and two data_offsets");
        var dtype = DTypeInfo.ParseSafetensors(dtypeName.GetString()!);
        var shape = new int[shapeList.GetArrayLength()];
        long elements = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (!shapeList[i].TryGetInt32(out shape[i]) || shape[i] < 0) throw Bad($"tensor '{name}' has a shape entry that is not a size: {shapeList[i]}");
            try
            {
                elements = checked(elements * shape[i]);
            }
            catch (OverflowException)
            {
                throw Bad($"tensor '{name}' has a shape too large to address");
            }
        }
        if (!offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin || end > dataLength)
            throw Bad($"tensor '{name}' has data_offsets [{offsets[0]}, {offsets[1]}] outside the data (0 to {dataLength} bytes)");
        if (elements > long.MaxValue / dtype.Size() || elements * dtype.Size() != end - begin)
            throw Bad($"tensor '{name}' is {end - begin} bytes, but its shape [{string.Join(", ", shape)}] of {dtype} needs {elements} × {dtype.Size()}");
        return (dtype, shape, begin, end);
    }

    private InvalidDataException Bad(string problem) => new($"{Path}: not a valid safetensors file: {problem}.");

    public void Dispose() => _file.Dispose();
}
