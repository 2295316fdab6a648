using System.Runtime.InteropServices;

namespace Engine.Loading;

/// <summary>
/// Gives freed native memory back to the system. An unloaded model's weights are many <see cref="NativeBuffer"/>s of a few MB, which
/// glibc's malloc serves from its arenas once its mmap threshold has grown; freed, they stay in the process's resident set
/// until malloc_trim returns the free pages.
/// </summary>
public static partial class NativeHeap
{
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): its allocator returns large blocks itself.
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
