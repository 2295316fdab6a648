using System.IO.MemoryMappedFiles;

namespace Engine.Loading;

/// <summary>A whole file mapped read-only into memory (safetensors and GGUF weights are read in place from it).</summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;

    public MappedFile(string path)
    {
        // The file's own length: FileInfo.Length of a symlink (every file of a Hugging Face cache snapshot) is the link's.
        using (var handle = File.OpenHandle(path)) Length = RandomAccess.GetLength(handle);
        if (Length == 0) return;   // an empty file cannot be mapped; readers report it as too short
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        Pointer = pointer + _view.PointerOffset;
    }

    public long Length { get; }
    public byte* Pointer { get; }

    public void Dispose()
    {
        if (_view is null) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file!.Dispose();
    }
}
