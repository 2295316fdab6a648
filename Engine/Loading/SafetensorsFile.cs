using System.Text.Json;

namespace Engine.Loading;

/// <summary>
/// One .safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// {name: {dtype, shape, data_offsets}}, then the raw tensor bytes. Nothing is copied on open.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MappedFile _file;
    private readonly byte* _base;
    private readonly Dictionary<string, (DType DType, int[] Shape, long Begin, long End)> _entries = new();

    public SafetensorsFile(string path)
    {
        Path = path;
        _file = new MappedFile(path);
        long length = _file.Length;
        if (length < 8)
        {
            _file.Dispose();
            throw new InvalidDataException($"{path}: too short to be a safetensors file.");
        }
        _base = _file.Pointer;

        long headerLength = *(long*)_base;
        if (headerLength <= 0 || 8 + headerLength > length)
            throw new InvalidDataException($"{path}: bad safetensors header length {headerLength}.");
        DataStart = 8 + headerLength;
        using var header = JsonDocument.Parse(new ReadOnlyMemory<byte>(new ReadOnlySpan<byte>(_base + 8, (int)headerLength).ToArray()));
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            var dtype = DTypeInfo.ParseSafetensors(entry.Value.GetProperty("dtype").GetString()!);
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets");
            long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
            long expected = shape.Aggregate(1L, (a, b) => a * b) * dtype.Size();
            if (end - begin != expected || DataStart + end > length)
                throw new InvalidDataException($"{path}: tensor '{entry.Name}' has inconsistent offsets.");
            _entries[entry.Name] = (dtype, shape, begin, end);
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

    public void Dispose() => _file.Dispose();
}
