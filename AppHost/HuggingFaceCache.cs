using AppHost.Hosting;

namespace AppHost;

/// <summary>
/// The Hugging Face cache shared by the model cache and the inference replicas: locally the user's cache
/// (the AppHost's HF_HOME, else ~/.cache/huggingface; HF_HUB_CACHE, HF_ENDPOINT and HF_HUB_OFFLINE pass through when set);
/// published, the named volume <c>hf-cache</c> mounted at /hf-cache. HF_TOKEN comes from the hf-token parameter.
/// </summary>
public static class HuggingFaceCache
{
    public const string VolumeName = "hf-cache";
    public const string ContainerPath = "/hf-cache";

    private static readonly string[] PassThrough = ["HF_HUB_CACHE", "HF_ENDPOINT", "HF_HUB_OFFLINE"];

    public static IResourceBuilder<ProjectResource> WithHuggingFaceCache(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<ParameterResource> token)
    {
        var configuration = project.ApplicationBuilder.Configuration;
        var localHome = configuration["HF_HOME"] is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        return project
            .WithVolume(VolumeName, ContainerPath)
            .WithEnvironment(context =>
            {
                if (context.Target != ExecutionTarget.Run)
                {
                    context.Set("HF_HOME", ContainerPath);
                    return;
                }
                context.Set("HF_HOME", localHome);
                foreach (var name in PassThrough)
                    if (configuration[name] is { Length: > 0 } value) context.Set(name, value);
            })
            .WithEnvironment("HF_TOKEN", token);
    }
}
