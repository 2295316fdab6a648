using Engine.Lora;

namespace InferenceService.Hosting;

/// <summary>
/// Where a LoRA adapter's files are: a local folder as given, or a Hugging Face repo id ("org/name", as for --model)
/// pulled through ModelCacheService first (its main branch), so adapters come from the hub as models do.
/// </summary>
public static class LoraAdapterSource
{
    public static async Task<string> LocalPathAsync(string path, IServiceProvider services, CancellationToken cancellationToken) =>
        RepoModel.TryParse(path, null) is { } repo
            ? await services.GetRequiredService<ModelCacheClient>().PullAsync(repo, "main", cancellationToken)
            : path;

    public static async Task<IReadOnlyList<LoraModule>> PullAllAsync(IReadOnlyList<LoraModule> modules, IServiceProvider services, CancellationToken cancellationToken)
    {
        var local = new List<LoraModule>();
        foreach (var module in modules) local.Add(module with { Path = await LocalPathAsync(module.Path, services, cancellationToken) });
        return local;
    }
}
