using System.Text.RegularExpressions;
using ModelCacheService.Api;
using ModelCacheService.Hub;

namespace ModelCacheService.Pulls;

/// <summary>
/// Which files of a revision a pull takes: all of them; those matching one of <see cref="Include"/> (globs on the
/// repo path, huggingface_hub's allow_patterns: '*' any run of characters, '?' one, case-sensitive); or the one
/// .gguf file <see cref="Gguf"/> names: a file name (exact, case-insensitive) or a quantization tag as llama.cpp's
/// -hf and Ollama pick one ("Q4_K_M": the .gguf whose name contains it, case-insensitive). A selection that matches
/// nothing, or a tag several files contain, fails the pull with the repo's candidates listed.
/// </summary>
public sealed record PullSelection(IReadOnlyList<string>? Include, string? Gguf)
{
    public static readonly PullSelection Everything = new(null, null);

    public bool IsEverything => Include is null && Gguf is null;

    /// <summary>Part of the claim key: pulls of the same files join each other, others run on their own.</summary>
    public string Key => Gguf is not null ? $"gguf:{Gguf.ToLowerInvariant()}" : Include is not null ? $"include:{string.Join('|', Include)}" : "all";

    public IReadOnlyList<RepoFile> Apply(RepoId repo, string revision, IReadOnlyList<RepoFile> files)
    {
        if (Gguf is { } choice) return [PickGguf(repo, revision, files, choice)];
        if (Include is null) return files;
        var patterns = Include.Select(Glob).ToList();
        var chosen = files.Where(f => patterns.Any(p => p.IsMatch(f.Path))).ToList();
        if (chosen.Count == 0)
            throw new PullFailedException(new ErrorDetail(
                $"No file of {repo}@{revision} matches {string.Join(", ", Include.Select(p => $"'{p}'"))}; its files: {List(files)}.",
                "invalid_request_error", "include", "no_matching_files"));
        return chosen;
    }

    private static RepoFile PickGguf(RepoId repo, string revision, IReadOnlyList<RepoFile> files, string choice)
    {
        var ggufs = files.Where(f => f.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)).ToList();
        var exact = ggufs.Where(f => string.Equals(f.Path, choice, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Path.GetFileName(f.Path), choice, StringComparison.OrdinalIgnoreCase)).ToList();
        var candidates = exact.Count > 0 ? exact : ggufs.Where(f => f.Path.Contains(choice, StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates.Count == 1) return candidates[0];
        var listed = ggufs.Count == 0 ? "it has no .gguf file" : $"its .gguf files: {List(ggufs)}";
        throw new PullFailedException(candidates.Count == 0
            ? new ErrorDetail($"No .gguf file of {repo}@{revision} is named or contains '{choice}'; {listed}.", "invalid_request_error", "gguf", "gguf_file_not_found")
            : new ErrorDetail($"Several .gguf files of {repo}@{revision} contain '{choice}': {List(candidates)}; give the file name.",
                "invalid_request_error", "gguf", "gguf_file_ambiguous"));
    }

    private static string List(IEnumerable<RepoFile> files) => string.Join(", ", files.Select(f => f.Path));

    private static Regex Glob(string pattern) => new(
        "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
        RegexOptions.Singleline | RegexOptions.CultureInvariant);
}
