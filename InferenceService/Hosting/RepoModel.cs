namespace InferenceService.Hosting;

/// <summary>
/// `--model` as a Hugging Face repo to pull through ModelCacheService: "org/name", or "org/name:Q4_K_M" whose tag
/// picks one .gguf quantization as llama.cpp's -hf and Ollama's tags do; `--gguf-file name.gguf` picks one by name.
/// A local file or folder is not a repo (and `--gguf-file` then names a .gguf in that folder: <see cref="LocalPath"/>).
/// </summary>
public sealed record RepoModel(string Repo, string? Gguf)
{
    /// <summary>The repo and the .gguf choice (tag or file name; null: every file) of <paramref name="model"/>, or null for a local path.</summary>
    public static RepoModel? TryParse(string model, string? ggufFile)
    {
        if (Directory.Exists(model) || File.Exists(model) || Path.IsPathRooted(model) || model.StartsWith('.')) return null;
        if (model.Split('/') is not [{ Length: > 0 } org, { Length: > 0 } name]) return null;
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return new RepoModel($"{org}/{name}", ggufFile);
        var tag = name[(colon + 1)..];
        if (colon == 0 || tag.Length == 0) throw new ArgumentException($"--model {model}: expected org/name or org/name:TAG (a quantization such as Q4_K_M).");
        if (ggufFile is not null) throw new ArgumentException($"--model {model} already picks a quantization; drop --gguf-file {ggufFile} or the ':{tag}'.");
        return new RepoModel($"{org}/{name[..colon]}", tag);
    }

    /// <summary>`--model folder --gguf-file name.gguf`: the file in the folder (a clear error if it is not there).</summary>
    public static string LocalPath(string model, string ggufFile)
    {
        if (!Directory.Exists(model))
            throw new ArgumentException($"--gguf-file {ggufFile} names a file in the --model folder or repo, but {model} is not a folder.");
        var path = Path.Combine(model, ggufFile);
        if (File.Exists(path)) return path;
        var present = Directory.GetFiles(model, "*.gguf").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        throw new FileNotFoundException($"--gguf-file {ggufFile}: no such file in {model} " +
            $"({(present.Count == 0 ? "it has no .gguf file" : "its .gguf files: " + string.Join(", ", present))}).");
    }
}
