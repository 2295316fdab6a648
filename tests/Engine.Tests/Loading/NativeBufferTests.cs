using Engine.Loading;

namespace Engine.Tests.Loading;

public unsafe class NativeBufferTests
{
    [Theory]
    [InlineData(1L)]
    [InlineData(4096L)]
    [InlineData((2L << 20) - 1)]   // just under a huge page: small-page allocation
    [InlineData(2L << 20)]
    [InlineData((5L << 20) + 123)]   // rounded up to 6 MiB inside, Length stays as asked
    public void Buffers_are_aligned_writable_over_their_whole_length_and_freed_once(long bytes)
    {
        var buffer = new NativeBuffer(bytes);
        Assert.Equal(bytes, buffer.Length);
        long alignment = bytes >= 2L << 20 ? 2L << 20 : 64;
        Assert.Equal(0, (long)buffer.Pointer % alignment);
        var span = new Span<byte>(buffer.Pointer, checked((int)bytes));
        for (int i = 0; i < span.Length; i++) span[i] = (byte)(i * 31 + 7);
        for (int i = 0; i < span.Length; i += 4093) Assert.Equal((byte)(i * 31 + 7), span[i]);
        Assert.Equal((byte)((span.Length - 1) * 31 + 7), span[^1]);
        buffer.Dispose();
        Assert.True(buffer.Pointer == null);
        buffer.Dispose();   // a second dispose is harmless
    }
}
