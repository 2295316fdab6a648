using System.Text;

namespace Tests.Shared;

/// <summary>
/// Writes GGUF v3 files for tests: metadata of every GGUF type (the value's .NET type picks it: byte, sbyte, ushort,
/// short, uint, int, float, bool, string, ulong, long, double, or an array of one of these) and tensors given as raw
/// bytes with their ggml type id and dims (ggml order: row length first). Bad files are made by patching the bytes.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, object Value)> _metadata = [];
    private readonly List<(string Name, uint Type, long[] Dims, byte[] Data)> _tensors = [];

    public const uint F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, Q4_K = 12, Q6_K = 14;

    /// <summary>The ggml type id of "Q8_0", "Q4_0", "Q4_K" or "Q6_K".</summary>
    public static uint TypeId(string type) => type switch
    {
        "Q8_0" => Q8_0,
        "Q4_0" => Q4_0,
        "Q4_K" => Q4_K,
        "Q6_K" => Q6_K,
        _ => throw new ArgumentException($"No ggml type id for '{type}' here."),
    };

    /// <summary>Drops the tensors already added whose name matches (a file missing what a reader needs).</summary>
    public GgufWriter RemoveTensors(Func<string, bool> match)
    {
        _tensors.RemoveAll(t => match(t.Name));
        return this;
    }

    public GgufWriter Add(string key, object value)
    {
        _metadata.Add((key, value));
        return this;
    }

    public GgufWriter AddTensor(string name, uint type, long[] dims, byte[] data)
    {
        _tensors.Add((name, type, dims, data));
        return this;
    }

    public GgufWriter AddF32(string name, float[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return AddTensor(name, F32, dims, bytes);
    }

    public void Write(string path) => File.WriteAllBytes(path, ToBytes());

    public byte[] ToBytes(int alignment = 32)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write(TypeOf(value));
            WriteValue(w, value);
        }
        long offset = 0;
        var offsets = new List<long>();
        foreach (var (name, type, dims, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (long d in dims) w.Write((ulong)d);
            w.Write(type);
            w.Write((ulong)offset);
            offsets.Add(offset);
            offset = Align(offset + data.Length, alignment);
        }
        w.Flush();
        stream.SetLength(Align(stream.Length, alignment));
        stream.Position = stream.Length;
        long start = stream.Length;
        for (int i = 0; i < _tensors.Count; i++)
        {
            stream.Position = start + offsets[i];
            stream.Write(_tensors[i].Data);
        }
        stream.SetLength(Align(stream.Length, alignment));
        return stream.ToArray();
    }

    private static long Align(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static uint TypeOf(object value) => value switch
    {
        byte => 0, sbyte => 1, ushort => 2, short => 3, uint => 4, int => 5, float => 6, bool => 7, string => 8,
        Array => 9, ulong => 10, long => 11, double => 12,
        _ => throw new ArgumentException($"No GGUF type for {value.GetType()}."),
    };

    private static void WriteValue(BinaryWriter w, object value)
    {
        switch (value)
        {
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case bool v: w.Write(v); break;
            case string v: WriteString(w, v); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case double v: w.Write(v); break;
            case Array array:
                var element = array.GetType().GetElementType()!;
                w.Write(TypeOf(element == typeof(string) ? "" : Activator.CreateInstance(element)!));
                w.Write((ulong)array.Length);
                foreach (var item in array) WriteValue(w, item!);
                break;
        }
    }
}
