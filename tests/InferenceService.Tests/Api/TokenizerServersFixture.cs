namespace InferenceService.Tests.Api;

/// <summary>
/// Two real InferenceService processes serving tiny random-weight models that carry real byte-level BPE tokenizers:
/// Llama 3's (128256 ids) and Qwen3's (151669 ids in a 151936-logit model), from ../shared/testdata/tokenizers,
/// with their own chat templates. What they generate is noise; what structured outputs make of it must be valid.
/// </summary>
public sealed class TokenizerServersFixture : IAsyncLifetime
{
    public static readonly string[] Names = ["llama3", "qwen3"];

    private readonly List<TinyModel> _models = [];

    public Dictionary<string, ServiceProcess> Servers { get; } = [];

    public async Task InitializeAsync()
    {
        foreach (var name in Names)
        {
            var model = name == "llama3"
                ? TinyModel.Create(vocab: 128256, maxPositions: 1024, tokenizerFrom: TestData.Path("tokenizers", "llama3"))
                : TinyModel.Create(modelType: "qwen3", qkNorm: true, headDim: 8, vocab: 151936, maxPositions: 1024, tokenizerFrom: TestData.Path("tokenizers", "qwen3"));
            _models.Add(model);
            Servers[name] = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
            {
                Args = port => ["--port", port.ToString(), "--model", model.Directory, "--served-model-name", "tiny-" + name, "--max-num-seqs", "64", "--seed", "0"],
                BindWithAspNetCoreUrls = false,
                HealthTimeout = TimeSpan.FromSeconds(120),
                HttpTimeout = TimeSpan.FromMinutes(5),   // 50 long generations at once on a loaded machine
            });
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in Servers.Values) await server.DisposeAsync();
        foreach (var model in _models) model.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TokenizerServersCollection : ICollectionFixture<TokenizerServersFixture>
{
    public const string Name = "tokenizer-servers";
}
