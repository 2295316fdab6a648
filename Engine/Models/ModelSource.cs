using Engine.Loading;
using Engine.Loading.Gguf;
using Engine.Tokenization;

namespace Engine.Models;

/// <summary>
/// What --model names: a Hugging Face folder (config.json, safetensors, tokenizer files), or a GGUF file (or a
/// folder holding exactly one .gguf and no config.json) whose metadata carries the config, the tokenizer and the
/// chat template. --tokenizer names a Hugging Face folder whose tokenizer and chat template replace the model's.
/// A GGUF stays mapped until the source is disposed (after the weights are loaded).
/// </summary>
public sealed class ModelSource : IDisposable
{
    private readonly GgufFile? _gguf;
    private readonly string? _tokenizerDirectory;
    private readonly Lazy<ITextTokenizer> _tokenizer;
    private readonly Lazy<string?> _chatTemplate;

    private ModelSource(string path, GgufFile? gguf, string? tokenizerDirectory)
    {
        Path = path;
        _gguf = gguf;
        _tokenizerDirectory = tokenizerDirectory ?? (gguf is null ? path : null);
        Config = gguf is null ? ModelConfig.Load(path) : GgufModelConfig.Read(gguf);
        _tokenizer = new(() => _tokenizerDirectory is { } dir ? TokenizerLoader.Load(dir) : GgufTokenizerLoader.Load(_gguf!));
        _chatTemplate = new(() => _tokenizerDirectory is { } dir ? TokenizerLoader.ChatTemplate(dir) : GgufTokenizerLoader.ChatTemplate(_gguf!));
    }

    /// <summary>The model folder, or the GGUF file.</summary>
    public string Path { get; }
    public bool IsGguf => _gguf is not null;
    public ModelConfig Config { get; }
    public ITextTokenizer Tokenizer => _tokenizer.Value;
    public string? ChatTemplate => _chatTemplate.Value;

    public static ModelSource Open(string model, string? tokenizer = null)
    {
        if (tokenizer is not null && !Directory.Exists(tokenizer))
            throw new DirectoryNotFoundException($"--tokenizer {tokenizer}: no such folder (a Hugging Face folder with tokenizer.json or tokenizer.model).");
        string? ggufPath = File.Exists(model) ? model : Directory.Exists(model) ? SingleGguf(model) : null;
        if (ggufPath is null) return new ModelSource(model, null, tokenizer);
        var file = new GgufFile(ggufPath);
        try
        {
            return new ModelSource(ggufPath, file, tokenizer);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The one .gguf of a folder without config.json; null for a Hugging Face folder.</summary>
    private static string? SingleGguf(string directory)
    {
        if (File.Exists(System.IO.Path.Combine(directory, "config.json"))) return null;
        var files = Directory.GetFiles(directory, "*.gguf").Order(StringComparer.Ordinal).ToList();
        return files.Count switch
        {
            0 => null,
            1 => files[0],
            _ => throw new ArgumentException($"{directory} holds {files.Count} GGUF files ({string.Join(", ", files.Select(System.IO.Path.GetFileName))}); pass --model with the one to load."),
        };
    }

    /// <summary>The weights: random (--load-format dummy), the GGUF's tensors, or the folder's safetensors.</summary>
    public IWeightSource Weights(bool dummy) =>
        dummy ? new DummyWeights(Config.StoredDType is { } t && !t.IsQuantized() ? t : DType.F32)
        : _gguf is not null ? new GgufWeights(_gguf, Config)
        : new SafetensorsCheckpoint(Path);

    public void Dispose() => _gguf?.Dispose();
}
