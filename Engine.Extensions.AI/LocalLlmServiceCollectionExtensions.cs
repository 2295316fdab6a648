using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engine.Extensions.AI;

/// <summary><c>services.AddLocalLlm(...)</c>: the model as the container's <see cref="IChatClient"/> and
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> (string → float embeddings), each loaded when first asked for.</summary>
public static class LocalLlmServiceCollectionExtensions
{
    /// <summary>The model at <paramref name="model"/> (a Hugging Face folder or a .gguf file) with default options.</summary>
    public static IServiceCollection AddLocalLlm(this IServiceCollection services, string model) =>
        services.AddLocalLlm(LocalLlmOptions.ForModel(model));

    public static IServiceCollection AddLocalLlm(this IServiceCollection services, LocalLlmOptions options)
    {
        services.AddSingleton<IChatClient>(_ => new LocalChatClient(options));
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => new LocalEmbeddingGenerator(options));
        return services;
    }
}
