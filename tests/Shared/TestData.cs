namespace Tests.Shared;

/// <summary>Locates ../shared/testdata (beside the repository) from the test binaries.</summary>
public static class TestData
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The stories260K model folder (Karpathy's tinyllamas, as a Hugging Face folder).</summary>
    public static string Stories260K => Path("models", "stories260K");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "testdata");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/testdata not found above " + AppContext.BaseDirectory);
    }
}
