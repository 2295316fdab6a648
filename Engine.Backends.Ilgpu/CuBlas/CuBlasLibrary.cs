using System.Runtime.InteropServices;

namespace Engine.Backends.Ilgpu.CuBlas;

/// <summary>
/// The few cuBLAS entry points the backend uses, bound at run time (no import library, no fixed version:
/// ILGPU.Algorithms' CuBlas wants libcublas.so.12 and has no GemmEx, which BF16 needs). The library is looked up
/// as $CUBLAS_LIBRARY, then by soname (13, 12, 11), then in the usual CUDA and pip (nvidia-cublas) folders.
/// </summary>
internal sealed unsafe class CuBlasLibrary
{
    public const int OpN = 0, OpT = 1;
    public const int DataF32 = 0, DataF16 = 2, DataBf16 = 14;   // cudaDataType_t
    public const int ComputeF32 = 68;                           // CUBLAS_COMPUTE_32F
    public const int GemmDefault = -1;                          // CUBLAS_GEMM_DEFAULT

    private readonly delegate* unmanaged<IntPtr*, int> _create;
    private readonly delegate* unmanaged<IntPtr, int> _destroy;
    private readonly delegate* unmanaged<IntPtr, IntPtr, int> _setStream;
    private readonly delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, IntPtr, int, float*, IntPtr, int, int> _sgemm;
    private readonly delegate* unmanaged<IntPtr, int, int, int, int, int, void*, IntPtr, int, int, IntPtr, int, int, void*, IntPtr, int, int, int, int, int> _gemmEx;

    private CuBlasLibrary(IntPtr library, string path)
    {
        Path = path;
        _create = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(library, "cublasCreate_v2");
        _destroy = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(library, "cublasDestroy_v2");
        _setStream = (delegate* unmanaged<IntPtr, IntPtr, int>)NativeLibrary.GetExport(library, "cublasSetStream_v2");
        _sgemm = (delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, IntPtr, int, float*, IntPtr, int, int>)
            NativeLibrary.GetExport(library, "cublasSgemm_v2");
        _gemmEx = (delegate* unmanaged<IntPtr, int, int, int, int, int, void*, IntPtr, int, int, IntPtr, int, int, void*, IntPtr, int, int, int, int, int>)
            NativeLibrary.GetExport(library, "cublasGemmEx");
    }

    public string Path { get; }

    public static CuBlasLibrary? TryLoad(out string? error)
    {
        foreach (var candidate in Candidates())
        {
            if (candidate.Contains('/'))
            {
                if (!File.Exists(candidate)) continue;
                // Load libcublasLt from the same folder first: a toolkit folder need not be on the loader's path.
                var dir = System.IO.Path.GetDirectoryName(candidate)!;
                foreach (var lt in Directory.EnumerateFiles(dir, "libcublasLt.so*").OrderByDescending(f => f.Length)) NativeLibrary.TryLoad(lt, out _);
            }
            if (!NativeLibrary.TryLoad(candidate, out var handle)) continue;
            try
            {
                error = null;
                return new CuBlasLibrary(handle, candidate);
            }
            catch (EntryPointNotFoundException e)
            {
                error = $"{candidate}: {e.Message}";
            }
        }
        error = "libcublas was not found (set CUBLAS_LIBRARY to its path)";
        return null;
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("CUBLAS_LIBRARY") is { Length: > 0 } explicitPath) yield return explicitPath;
        foreach (var soname in new[] { "libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so" }) yield return soname;
        var folders = new List<string> { "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu" };
        foreach (var root in new[] { "/usr/local", "/opt" })
        {
            if (!Directory.Exists(root)) continue;
            folders.AddRange(SafeDirectories(root, "cuda*").SelectMany(d => new[] { d + "/lib64", d + "/targets/x86_64-linux/lib" }));
        }
        // pip wheels (nvidia-cublas-cu12 / nvidia-cublas for CUDA 13) under a Python environment's site-packages.
        foreach (var python in new[] { "/usr/local/lib", "/usr/lib", "/opt/conda/lib" }.Concat(SafeDirectories("/opt", "*").Select(d => d + "/.venv/lib")))
            foreach (var version in SafeDirectories(python, "python3*"))
                foreach (var site in new[] { "site-packages", "dist-packages" })
                    folders.AddRange(SafeDirectories($"{version}/{site}/nvidia", "*").Select(d => d + "/lib"));
        foreach (var folder in folders.Where(Directory.Exists))
            foreach (var file in Directory.EnumerateFiles(folder, "libcublas.so*").Where(f => !f.Contains("Lt", StringComparison.Ordinal)).OrderBy(f => f.Length))
                yield return file;
    }

    private static IEnumerable<string> SafeDirectories(string root, string pattern)
    {
        try
        {
            return Directory.Exists(root) ? Directory.GetDirectories(root, pattern) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public IntPtr Create()
    {
        IntPtr handle;
        Check(_create(&handle), "cublasCreate");
        return handle;
    }

    public void Destroy(IntPtr handle) => _destroy(handle);

    public void SetStream(IntPtr handle, IntPtr stream) => Check(_setStream(handle, stream), "cublasSetStream");

    /// <summary>Column-major C[m, n] = op(A) · op(B), F32.</summary>
    public void Sgemm(IntPtr handle, int transA, int transB, int m, int n, int k, IntPtr a, int lda, IntPtr b, int ldb, IntPtr c, int ldc)
    {
        float alpha = 1f, beta = 0f;
        Check(_sgemm(handle, transA, transB, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc), "cublasSgemm");
    }

    /// <summary>Column-major C[m, n] (F32) = op(A) · op(B) with A and B of <paramref name="inputType"/>, F32 accumulation.</summary>
    public void GemmEx(IntPtr handle, int transA, int transB, int m, int n, int k, IntPtr a, int inputType, int lda, IntPtr b, int ldb, IntPtr c, int ldc)
    {
        float alpha = 1f, beta = 0f;
        Check(_gemmEx(handle, transA, transB, m, n, k, &alpha, a, inputType, lda, b, inputType, ldb, &beta, c, DataF32, ldc, ComputeF32, GemmDefault), "cublasGemmEx");
    }

    private static void Check(int status, string call)
    {
        if (status != 0) throw new InvalidOperationException($"{call} failed with cuBLAS status {status}.");
    }
}
