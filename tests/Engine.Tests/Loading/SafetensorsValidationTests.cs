using Engine.Loading;

namespace Engine.Tests.Loading;

/// <summary>
/// Models come from a hub: a crafted .safetensors header must be refused at load with an InvalidDataException naming the
/// problem, never turned into a pointer outside the file (an AccessViolationException that kills the process).
/// The data part of these files is 64 bytes; "w" is an F32 [4, 4] tensor (64 bytes) where it is well-formed.
/// </summary>
public sealed class SafetensorsValidationTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[-4096,-4032]}}""", "data_offsets")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[64,0]}}""", "data_offsets")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[32,96]}}""", "data_offsets")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[0,9223372036854775807]}}""", "data_offsets")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]},"v":{"dtype":"F32","shape":[2,4],"data_offsets":[16,48]}}""", "overlap")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,3],"data_offsets":[0,64]}}""", "needs")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2147483647,2147483647,2147483647,4],"data_offsets":[0,64]}}""", "shape")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-4,-4],"data_offsets":[0,64]}}""", "shape")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,4]}}""", "data_offsets")]
    [InlineData("""{"w":{"dtype":7,"shape":[4,4],"data_offsets":[0,64]}}""", "dtype")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]},""", "JSON")]
    [InlineData("""[1,2,3]""", "JSON object")]
    public void A_crafted_header_is_refused_with_InvalidDataException(string header, string named)
    {
        var path = Path.Combine(_folder.Path, "crafted.safetensors");
        SafetensorsWriter.WriteRaw(path, header, new byte[64]);
        var error = Assert.Throws<InvalidDataException>(() => new SafetensorsFile(path).Dispose());
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(-8)]
    [InlineData(1L << 40)]
    public void A_header_length_outside_the_file_is_refused(long headerLength)
    {
        var path = Path.Combine(_folder.Path, "crafted.safetensors");
        SafetensorsWriter.WriteRaw(path, """{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]}}""", new byte[64], headerLength);
        var error = Assert.Throws<InvalidDataException>(() => new SafetensorsFile(path).Dispose());
        Assert.Contains("header length", error.Message);
    }

    [Fact]
    public void A_well_formed_file_still_loads()
    {
        var path = Path.Combine(_folder.Path, "good.safetensors");
        SafetensorsWriter.WriteRaw(path, """{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]},"__metadata__":{"format":"pt"}}""", new byte[64]);
        using var file = new SafetensorsFile(path);
        Assert.Equal(["w"], file.Names);
    }

    public void Dispose() => _folder.Dispose();
}
