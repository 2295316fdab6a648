namespace Engine.Loading.Gguf;

/// <summary>
/// A GGUF file (v2/v3, little-endian), memory-mapped: "GGUF", version, tensor count, metadata count, the metadata
/// key/values, the tensor infos, then the tensor data at the next multiple of general.alignment (default 32).
/// Tensors are handed out in place, in their stored (possibly quantized) form; nothing is copied or dequantized.
/// Every field is checked on open: a damaged file is an <see cref="InvalidDataException"/> naming the problem.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private const uint Magic = 0x46554747;   // "GGUF"
    private const int MaxDims = 4;
    private readonly MappedFile _file;
    private readonly byte* _base;
    private readonly Dictionary<string, GgufTensorInfo> _tensors = new(StringComparer.Ordinal);

    public GgufFile(string path)
    {
        Path = path;
        _file = new MappedFile(path);
        _base = _file.Pointer;
        long length = _file.Length;
        try
        {
            if (length < 24) throw new InvalidDataException($"{path}: {length} bytes is too short for a GGUF file.");
            Metadata = Parse(new GgufReader(_base, length, path), length, out long dataStart);
            DataStart = dataStart;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Path { get; }
    public uint Version { get; private set; }
    public GgufMetadata Metadata { get; }
    public long Alignment { get; private set; } = 32;
    public long DataStart { get; }
    public IReadOnlyCollection<GgufTensorInfo> Tensors => _tensors.Values;

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public GgufTensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out var info) ? info : throw new InvalidDataException($"{Path}: tensor '{name}' is missing.");

    /// <summary>The tensor in place. Types the engine cannot run are an error naming the tensor and its type.</summary>
    public HostTensor Get(string name)
    {
        var info = Info(name);
        var dtype = GgmlType.ToDType(info.GgmlType) ?? throw new NotSupportedException(
            $"{Path}: tensor '{name}' has type {info.TypeName}, which this engine does not run (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K).");
        return new HostTensor(name, dtype, info.Shape, _base + DataStart + info.Offset, this);
    }

    private GgufMetadata Parse(GgufReader reader, long length, out long dataStart)
    {
        uint magic = reader.UInt32("magic");
        if (magic != Magic)
            throw reader.Error($"not a GGUF file (magic 0x{magic:X8}, expected 0x{Magic:X8} \"GGUF\"; big-endian GGUF is not supported).");
        Version = reader.UInt32("version");
        if (Version is not (2 or 3)) throw reader.Error($"GGUF version {Version} is not supported (2 and 3 are).");
        long tensorCount = reader.Count("tensor count", 8 + 4 + 8 + 4 + 8);
        long metadataCount = reader.Count("metadata count", 8 + 4 + 1);

        var values = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        for (long i = 0; i < metadataCount; i++)
        {
            string key = reader.String($"key of metadata entry {i}");
            var type = (GgufValueType)reader.UInt32($"type of metadata '{key}'");
            if (!values.TryAdd(key, reader.Value(type, key))) throw reader.Error($"metadata key '{key}' appears twice.");
        }
        var metadata = new GgufMetadata(values, Path);
        if (metadata.Integer("general.alignment") is { } alignment)
        {
            if (alignment <= 0 || alignment > 1 << 20 || (alignment & (alignment - 1)) != 0)
                throw reader.Error($"general.alignment {alignment} is not a power of two up to 1 MiB.");
            Alignment = alignment;
        }

        var infos = new List<GgufTensorInfo>();
        for (long i = 0; i < tensorCount; i++) infos.Add(ReadTensorInfo(reader, i));
        dataStart = (reader.Position + Alignment - 1) / Alignment * Alignment;
        long dataLength = length - dataStart;
        foreach (var info in infos)
        {
            if (info.Offset % Alignment != 0)
                throw reader.Error($"tensor '{info.Name}' starts at offset {info.Offset}, not a multiple of the alignment {Alignment}.");
            if (dataLength < 0 || info.Offset > dataLength || info.ByteCount > dataLength - info.Offset)
                throw reader.Error($"tensor '{info.Name}' ({info.ByteCount} bytes at data offset {info.Offset}) lies beyond the end of the file (data section of {Math.Max(dataLength, 0)} bytes).");
            if (!_tensors.TryAdd(info.Name, info)) throw reader.Error($"tensor '{info.Name}' appears twice.");
        }
        return metadata;
    }

    private static GgufTensorInfo ReadTensorInfo(GgufReader reader, long index)
    {
        string name = reader.String($"name of tensor {index}");
        uint dimCount = reader.UInt32($"dimension count of tensor '{name}'");
        if (dimCount is 0 or > MaxDims) throw reader.Error($"tensor '{name}' has {dimCount} dimensions (1 to {MaxDims} are valid).");
        var dims = new long[dimCount];
        long elements = 1;
        for (int d = 0; d < dimCount; d++)
        {
            ulong dim = reader.UInt64($"dimension {d} of tensor '{name}'");
            if (dim is 0 or > int.MaxValue) throw reader.Error($"tensor '{name}' has dimension {d} of size {dim} (1 to {int.MaxValue} are valid).");
            dims[d] = (long)dim;
            if (elements > long.MaxValue / dims[d] / 8) throw reader.Error($"tensor '{name}' has too many elements.");
            elements *= dims[d];
        }
        uint type = reader.UInt32($"type of tensor '{name}'");
        if (!GgmlType.IsKnown(type)) throw reader.Error($"tensor '{name}' has unknown ggml type {type}.");
        ulong offset = reader.UInt64($"offset of tensor '{name}'");
        if (offset > long.MaxValue) throw reader.Error($"tensor '{name}' has offset {offset}, beyond any file.");
        int block = GgmlType.BlockElements(type);
        if (dims[0] % block != 0)
            throw reader.Error($"tensor '{name}' of type {GgmlType.Name(type)} has rows of {dims[0]} elements, not a multiple of its block size {block}.");
        long bytes = elements / block * GgmlType.BlockBytes(type);
        return new GgufTensorInfo(name, dims, type, (long)offset, bytes);
    }

    public void Dispose() => _file.Dispose();
}
