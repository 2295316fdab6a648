using System.Buffers.Binary;
using Engine.Loading;
using Engine.Loading.Gguf;
using Engine.Models;

namespace Engine.Tests.Gguf;

/// <summary>The GGUF reader on files written here: every metadata type reads back; damaged files (truncated, wrong
/// magic, unknown version, absurd counts and lengths, tensors out of bounds, unknown ggml types, metadata of the
/// wrong type) fail at open with an <see cref="InvalidDataException"/> naming the problem, never a crash or a hang.</summary>
public sealed class GgufFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gguf-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Save(byte[] bytes, string name = "model.gguf")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static GgufWriter Valid() => new GgufWriter()
        .Add("general.architecture", "llama")
        .Add("llama.block_count", 2u)
        .AddF32("token_embd.weight", Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), 32, 2);

    [Fact]
    public void EveryValueType_ReadsBack()
    {
        var path = Save(new GgufWriter()
            .Add("u8", (byte)200).Add("i8", (sbyte)-5).Add("u16", (ushort)60000).Add("i16", (short)-300)
            .Add("u32", 4000000000u).Add("i32", -7).Add("f32", 1.5f).Add("bool", true).Add("str", "héllo")
            .Add("u64", 1UL << 40).Add("i64", -(1L << 40)).Add("f64", 2.25)
            .Add("strings", new[] { "a", "", "ü" }).Add("floats", new[] { 1f, -2f }).Add("ints", new[] { 3, -4 })
            .Add("bytes", new byte[] { 1, 2 }).Add("bools", new[] { true, false })
            .ToBytes());
        using var file = new GgufFile(path);
        var m = file.Metadata;
        Assert.Equal(3u, file.Version);
        Assert.Equal(200, m.Integer("u8"));
        Assert.Equal(-5, m.Integer("i8"));
        Assert.Equal(60000, m.Integer("u16"));
        Assert.Equal(-300, m.Integer("i16"));
        Assert.Equal(4000000000, m.Integer("u32"));
        Assert.Equal(-7, m.Integer("i32"));
        Assert.Equal(1.5, m.Float("f32"));
        Assert.True(m.Bool("bool"));
        Assert.Equal("héllo", m.String("str"));
        Assert.Equal(1L << 40, m.Integer("u64"));
        Assert.Equal(-(1L << 40), m.Integer("i64"));
        Assert.Equal(2.25, m.Float("f64"));
        Assert.Equal(["a", "", "ü"], m.StringArray("strings")!);
        Assert.Equal([1f, -2f], m.FloatArray("floats")!);
        Assert.Equal([3L, -4L], m.IntegerArray("ints")!);
        Assert.Equal([1L, 2L], m.IntegerArray("bytes")!);
        Assert.Equal(new[] { true, false }, (bool[])m.Values["bools"].Value);
        Assert.Null(m.String("missing"));
    }

    [Fact]
    public unsafe void Tensors_AreMappedInPlaceAtTheirAlignedOffsets()
    {
        var bytes = new GgufWriter().Add("general.alignment", 64u)
            .AddF32("a", [1, 2, 3], 3)
            .AddF32("b", Enumerable.Range(0, 6).Select(i => i * 0.5f).ToArray(), 3, 2)
            .ToBytes(alignment: 64);
        using var file = new GgufFile(Save(bytes));
        Assert.Equal(64, file.Alignment);
        Assert.Equal(0, file.DataStart % 64);
        var b = file.Get("b");
        Assert.Equal([2, 3], b.Shape);
        Assert.Equal(DType.F32, b.DType);
        Assert.Equal(2.5f, b[5]);
        Assert.Equal(64, file.Info("b").Offset);
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> DamagedFiles() => new()
    {
        { "empty", _ => [], "too short" },
        { "truncated header", b => b[..30], "tensor count is 1, more than the 14 bytes left" },
        { "truncated inside a field", b => b[..58], "truncated file" },
        { "truncated data", b => b[..^40], "beyond the end of the file" },
        { "wrong magic", b => Patch(b, 0, 0x46554746u), "not a GGUF file" },
        { "version 1", b => Patch(b, 4, 1u), "version 1 is not supported" },
        { "version 9", b => Patch(b, 4, 9u), "version 9 is not supported" },
        { "absurd tensor count", b => Patch(b, 8, ulong.MaxValue / 2), "tensor count" },
        { "absurd metadata count", b => Patch(b, 16, 1UL << 60), "metadata count" },
        { "absurd key length", b => Patch(b, 24, 1UL << 62), "length of key" },
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void DamagedFile_FailsWithAClearError(string what, Func<byte[], byte[]> damage, string message)
    {
        var path = Save(damage(Valid().ToBytes()));
        var error = Assert.Throws<InvalidDataException>(() => new GgufFile(path));
        Assert.Contains(message, error.Message);
        Assert.Contains(path, error.Message);
        Assert.NotNull(what);
    }

    [Fact]
    public void AbsurdArrayCount_FailsBeforeAllocating()
    {
        var bytes = new GgufWriter().Add("tokens", new[] { "a", "b" }).ToBytes();
        // header 24, key length 8 + "tokens" 6, value type 4, element type 4: then the element count.
        var path = Save(Patch(bytes, 24 + 8 + 6 + 4 + 4, 1UL << 61));
        Assert.Contains("element count of 'tokens'", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void UnknownValueType_FailsClearly()
    {
        var bytes = new GgufWriter().Add("x", 5u).ToBytes();
        var path = Save(Patch(bytes, 24 + 8 + 1, 77u));
        Assert.Contains("unknown value type 77", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void DeeplyNestedArrays_FailWithoutOverflowingTheStack()
    {
        // "key" of nested arrays: each level is (element type 9, count 1), 100 000 levels deep.
        var bytes = new List<byte>(new GgufWriter().ToBytes()[..24]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.ToArray().AsSpan(16), 1);
        var header = bytes.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), 1);
        var file = new List<byte>(header);
        file.AddRange(BitConverter.GetBytes(3UL));
        file.AddRange("key"u8.ToArray());
        file.AddRange(BitConverter.GetBytes(9u));
        for (int i = 0; i < 100_000; i++)
        {
            file.AddRange(BitConverter.GetBytes(9u));
            file.AddRange(BitConverter.GetBytes(1UL));
        }
        var path = Save(file.ToArray());
        Assert.Contains("nests arrays", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void TensorBeyondTheFile_FailsClearly()
    {
        var writer = new GgufWriter().AddTensor("big", GgufWriter.F32, [1024, 1024], new byte[64]);
        var path = Save(writer.ToBytes());
        var error = Assert.Throws<InvalidDataException>(() => new GgufFile(path));
        Assert.Contains("tensor 'big'", error.Message);
        Assert.Contains("beyond the end of the file", error.Message);
    }

    [Fact]
    public void UnknownGgmlType_FailsAtOpen()
    {
        var path = Save(new GgufWriter().AddTensor("t", 99, [32], new byte[128]).ToBytes());
        Assert.Contains("tensor 't' has unknown ggml type 99", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void RowNotAMultipleOfTheBlockSize_FailsAtOpen()
    {
        var path = Save(new GgufWriter().AddTensor("t", GgufWriter.Q8_0, [40], new byte[64]).ToBytes());
        Assert.Contains("not a multiple of its block size 32", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void MisalignedTensorOffset_FailsAtOpen()
    {
        var bytes = Valid().ToBytes();
        int at = IndexOf(bytes, "token_embd.weight"u8) + 17 + 4 + 2 * 8 + 4;   // name, dim count, dims, type: the offset
        var path = Save(Patch(bytes, at, 4UL));
        Assert.Contains("not a multiple of the alignment 32", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void BadAlignment_FailsAtOpen()
    {
        var path = Save(new GgufWriter().Add("general.alignment", 48u).ToBytes());
        Assert.Contains("general.alignment 48", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void DuplicateKey_FailsAtOpen()
    {
        var path = Save(new GgufWriter().Add("a", 1u).Add("a", 2u).ToBytes());
        Assert.Contains("'a' appears twice", Assert.Throws<InvalidDataException>(() => new GgufFile(path)).Message);
    }

    [Fact]
    public void MetadataOfTheWrongType_FailsNamingTheKey()
    {
        var path = Save(Valid().Add("llama.embedding_length", "wide").ToBytes());
        using var file = new GgufFile(path);
        var error = Assert.Throws<InvalidDataException>(() => GgufModelConfig.Read(file));
        Assert.Contains("metadata 'llama.embedding_length' has type String, expected integer", error.Message);
    }

    [Fact]
    public void UnsupportedTensorType_FailsNamingTheTensorAndItsType()
    {
        var path = Save(new GgufWriter().AddTensor("blk.0.ffn_up.weight", 13, [256], new byte[176]).ToBytes());
        using var file = new GgufFile(path);
        var error = Assert.Throws<NotSupportedException>(() => file.Get("blk.0.ffn_up.weight"));
        Assert.Contains("tensor 'blk.0.ffn_up.weight' has type Q5_K", error.Message);
    }

    [Fact]
    public void FolderWithSeveralGgufs_IsAnErrorListingThem()
    {
        var bytes = Valid().ToBytes();
        Save(bytes, "a.gguf");
        Save(bytes, "b.gguf");
        var error = Assert.Throws<ArgumentException>(() => ModelSource.Open(_directory));
        Assert.Contains("a.gguf, b.gguf", error.Message);
    }

    private static byte[] Patch(byte[] bytes, int at, uint value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static byte[] Patch(byte[] bytes, int at, ulong value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what) => bytes.AsSpan().IndexOf(what);
}
