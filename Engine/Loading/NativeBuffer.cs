using System.Runtime.InteropServices;

namespace Engine.Loading;

/// <summary>
/// Owns a 64-byte aligned native allocation. Buffers from 2 MiB up (weights, KV cache) are 2 MiB aligned and, on
/// Linux, asked to be backed by transparent huge pages: attention reads the KV cache in 4 KB runs scattered over
/// gigabytes, and with 4 KB pages nearly every run missed the TLB (a page walk before each one's first line;
/// measured: the 32-stream decode's attention took 20 ms per step where the same bytes stream in 8).
/// </summary>
public sealed unsafe partial class NativeBuffer : IDisposable
{
    private const long HugePage = 2 << 20;
    private const int MadviseHugePage = 14;   // MADV_HUGEPAGE
    private static bool _madviseAvailable = true;   // false once libc could not be bound (an unusual C library)

    public NativeBuffer(long bytes)
    {
        Length = bytes;
        if (bytes >= HugePage)
        {
            long rounded = (bytes + HugePage - 1) / HugePage * HugePage;
            Pointer = NativeMemory.AlignedAlloc((nuint)rounded, (nuint)HugePage);
            // Only advice: where THP is off (or not Linux) the buffer simply stays on small pages.
            if (OperatingSystem.IsLinux() && _madviseAvailable)
            {
                try { _ = Madvise(Pointer, (nuint)rounded, MadviseHugePage); }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _madviseAvailable = false; }
            }
        }
        else Pointer = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 64), 64);
        GC.AddMemoryPressure(Math.Max(bytes, 1));
    }

    public void* Pointer { get; private set; }
    public long Length { get; }

    public void Dispose()
    {
        if (Pointer == null) return;
        NativeMemory.AlignedFree(Pointer);
        Pointer = null;
        GC.RemoveMemoryPressure(Math.Max(Length, 1));
        GC.SuppressFinalize(this);
    }

    ~NativeBuffer() => Dispose();

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
