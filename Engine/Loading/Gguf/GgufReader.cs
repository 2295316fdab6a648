using System.Text;

namespace Engine.Loading.Gguf;

/// <summary>Reads GGUF's little-endian fields from a mapped file, checking every read against the file's end and
/// every count against the bytes left, so a damaged file gives an <see cref="InvalidDataException"/> naming the
/// problem instead of a crash or a huge allocation.</summary>
internal sealed unsafe class GgufReader(byte* data, long length, string path)
{
    private const int MaxNesting = 8;

    public long Position { get; set; }

    public InvalidDataException Error(string problem) => new($"{path}: {problem}");

    private byte* Take(long bytes, string what)
    {
        if (bytes < 0 || bytes > length - Position)
            throw Error($"truncated file: {what} needs {bytes} bytes at offset {Position}, the file has {length - Position} left.");
        byte* at = data + Position;
        Position += bytes;
        return at;
    }

    public uint UInt32(string what) => *(uint*)Take(4, what);

    public ulong UInt64(string what) => *(ulong*)Take(8, what);

    /// <summary>A count of items that each take at least <paramref name="minBytes"/> of what is left.</summary>
    public long Count(string what, long minBytes)
    {
        ulong count = UInt64(what);
        if (count > (ulong)((length - Position) / Math.Max(minBytes, 1)))
            throw Error($"{what} is {count}, more than the {length - Position} bytes left in the file can hold.");
        return (long)count;
    }

    public string String(string what)
    {
        long bytes = Count($"length of {what}", 1);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(bytes, what), checked((int)bytes));
        }
        catch (Exception e) when (e is DecoderFallbackException or OverflowException)
        {
            throw Error($"{what} is not a valid UTF-8 string of at most 2 GB.");
        }
    }

    public GgufValue Value(GgufValueType type, string key)
    {
        string what = $"metadata '{key}'";
        return type switch
        {
            GgufValueType.UInt8 => new(type, *Take(1, what)),
            GgufValueType.Int8 => new(type, *(sbyte*)Take(1, what)),
            GgufValueType.UInt16 => new(type, *(ushort*)Take(2, what)),
            GgufValueType.Int16 => new(type, *(short*)Take(2, what)),
            GgufValueType.UInt32 => new(type, *(uint*)Take(4, what)),
            GgufValueType.Int32 => new(type, *(int*)Take(4, what)),
            GgufValueType.Float32 => new(type, *(float*)Take(4, what)),
            GgufValueType.Bool => new(type, *Take(1, what) switch
            {
                0 => false,
                1 => true,
                var b => throw Error($"{what} is a bool of value {b} (expected 0 or 1)."),
            }),
            GgufValueType.String => new(type, String(what)),
            GgufValueType.UInt64 => new(type, *(ulong*)Take(8, what)),
            GgufValueType.Int64 => new(type, *(long*)Take(8, what)),
            GgufValueType.Float64 => new(type, *(double*)Take(8, what)),
            GgufValueType.Array => Array(key, depth: 1),
            _ => throw Error($"{what} has unknown value type {(uint)type}."),
        };
    }

    private GgufValue Array(string key, int depth)
    {
        if (depth > MaxNesting) throw Error($"metadata '{key}' nests arrays more than {MaxNesting} deep.");
        var element = (GgufValueType)UInt32($"element type of '{key}'");
        string what = $"metadata '{key}'";
        long count = Count($"element count of '{key}'", element switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.String or GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
            GgufValueType.Array => 12,
            _ => throw Error($"{what} is an array of unknown value type {(uint)element}."),
        });
        if (count > System.Array.MaxLength) throw Error($"{what} has {count} elements, too many for one array.");
        int n = (int)count;
        object values = element switch
        {
            GgufValueType.UInt8 => Copy<byte>(n, what),
            GgufValueType.Int8 => Copy<sbyte>(n, what),
            GgufValueType.UInt16 => Copy<ushort>(n, what),
            GgufValueType.Int16 => Copy<short>(n, what),
            GgufValueType.UInt32 => Copy<uint>(n, what),
            GgufValueType.Int32 => Copy<int>(n, what),
            GgufValueType.Float32 => Copy<float>(n, what),
            GgufValueType.UInt64 => Copy<ulong>(n, what),
            GgufValueType.Int64 => Copy<long>(n, what),
            GgufValueType.Float64 => Copy<double>(n, what),
            GgufValueType.Bool => Enumerable.Range(0, n).Select(_ => (bool)Value(GgufValueType.Bool, key).Value).ToArray(),
            GgufValueType.String => Enumerable.Range(0, n).Select(i => String($"element {i} of '{key}'")).ToArray(),
            _ => Enumerable.Range(0, n).Select(_ => Array(key, depth + 1)).ToArray(),
        };
        return new GgufValue(GgufValueType.Array, values, element);
    }

    private T[] Copy<T>(int count, string what) where T : unmanaged
    {
        var span = new ReadOnlySpan<T>(Take((long)count * sizeof(T), what), count);
        return span.ToArray();
    }
}
