using System.Security.Cryptography;
using System.Text;

namespace Tests.Shared;

/// <summary>A fake model repository: branches and tags pointing at commits, each commit a list of files.</summary>
public sealed class HubRepository(string id)
{
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<HubFile>> _commits = new(StringComparer.Ordinal);

    public const string StoriesId = "karpathy/stories260K";

    /// <summary>The files of a second revision "v2": a changed generation_config.json and a README.md; the rest shared with main.</summary>
    public static readonly byte[] V2GenerationConfig = Encoding.UTF8.GetBytes("{\n  \"bos_token_id\": 1,\n  \"eos_token_id\": 2,\n  \"max_length\": 256\n}\n");
    public static readonly byte[] V2Readme = Encoding.UTF8.GetBytes("# stories260K\n\nKarpathy's tinyllamas stories260K, as a Hugging Face folder.\n");

    public string Id { get; } = id;

    /// <summary>karpathy/stories260K: main = the test data folder (without the reference file), v2 = main changed a little.</summary>
    public static HubRepository Stories260K()
    {
        var repo = new HubRepository(StoriesId);
        var main = ModelFiles().ToList();
        repo.AddCommit("main", main);
        repo.AddCommit("v2", [.. main.Where(f => f.Path != "generation_config.json"),
            new HubFile("generation_config.json", V2GenerationConfig), new HubFile("README.md", V2Readme)]);
        return repo;
    }

    /// <summary>A GGUF repo as quantizers publish them: several quantizations of one model (quant-tiny-gguf's files
    /// quantized by llama.cpp) and a README.</summary>
    public static HubRepository QuantTiny() =>
        Of(QuantTinyId, [.. QuantTinyFiles.Select(name => new HubFile(name, File.ReadAllBytes(TestData.Path("models", "quant-tiny-gguf", name))))]);

    /// <summary>A repository whose branch main holds <paramref name="files"/>.</summary>
    public static HubRepository Of(string id, IReadOnlyList<HubFile> files)
    {
        var repo = new HubRepository(id);
        repo.AddCommit("main", files);
        return repo;
    }

    public const string QuantTinyId = "test-org/qtiny-GGUF";

    public static readonly string[] QuantTinyFiles = ["README.md", "qtiny-Q4_0.gguf", "qtiny-Q4_K_M.gguf", "qtiny-Q8_0.gguf"];

    /// <summary>The model files as they are in ../shared/testdata (the test's independent source of truth).</summary>
    public static IEnumerable<HubFile> ModelFiles() =>
        Directory.GetFiles(TestData.Stories260K)
            .Where(path => System.IO.Path.GetFileName(path) != "reference-greedy.json")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => new HubFile(System.IO.Path.GetFileName(path), File.ReadAllBytes(path)));

    public string Commit(string branch) => _refs[branch];

    public IReadOnlyList<HubFile> FilesAt(string commit) => _commits[commit];

    public IEnumerable<HubFile> AllFiles => _commits.Values.SelectMany(f => f);

    /// <summary>A branch or tag name, or a full commit hash, to the commit; null when unknown.</summary>
    public string? ResolveCommit(string revision) =>
        _refs.TryGetValue(revision, out var commit) ? commit : _commits.ContainsKey(revision) ? revision : null;

    private void AddCommit(string branch, IReadOnlyList<HubFile> files)
    {
        var text = $"commit of {Id} at {branch}\n" + string.Concat(files.Select(f => $"{f.Path} {f.Etag}\n"));
        var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
        _commits[commit] = files;
        _refs[branch] = commit;
    }
}
