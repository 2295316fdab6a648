using System.Text;
using System.Text.Json;
using Engine.Loading;

namespace Tests.Shared;

/// <summary>Writes tensors as real .safetensors files (the format spec, written independently of the loader).</summary>
public static class SafetensorsWriter
{
    public sealed record Entry(string Name, int[] Shape, float[] Values);

    public static void Write(string path, IEnumerable<Entry> entries, DType dtype)
    {
        var list = entries.ToList();
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var e in list)
        {
            long bytes = (long)e.Values.Length * dtype.Size();
            header[e.Name] = new { dtype = dtype.ToString(), shape = e.Shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        header["__metadata__"] = new { format = "pt" };
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;   // the spec pads the header with spaces to 8 bytes
        using var file = new BinaryWriter(File.Create(path));
        file.Write((long)padded);
        file.Write(json);
        for (int i = json.Length; i < padded; i++) file.Write((byte)' ');
        foreach (var e in list)
            foreach (var v in e.Values)
            {
                switch (dtype)
                {
                    case DType.F32: file.Write(v); break;
                    case DType.F16: file.Write(BitConverter.HalfToUInt16Bits((Half)v)); break;
                    default: file.Write((ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)); break;   // values are pre-rounded to bf16
                }
            }
    }

    /// <summary>Writes a file with exactly this header text and data, and the header length given (default: the header's
    /// own, padded to 8 bytes): for crafted files a loader must refuse.</summary>
    public static void WriteRaw(string path, string header, byte[] data, long? headerLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        using var file = new BinaryWriter(File.Create(path));
        file.Write(headerLength ?? padded);
        file.Write(json);
        for (int i = json.Length; i < padded; i++) file.Write((byte)' ');
        file.Write(data);
    }

    /// <summary>The header of a .safetensors file as JSON text, and its data bytes.</summary>
    public static (string Header, byte[] Data) ReadRaw(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BitConverter.ToInt64(bytes, 0);
        return (Encoding.UTF8.GetString(bytes, 8, length).TrimEnd(' '), bytes[(8 + length)..]);
    }

    /// <summary>The value as stored in <paramref name="dtype"/> (what the reference must compute with).</summary>
    public static float RoundTo(float v, DType dtype) => dtype switch
    {
        DType.F32 => v,
        DType.F16 => (float)(Half)v,
        _ => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000u),
    };
}
