namespace AppHost.Resources;

/// <summary>
/// The Hugging Face cache shared by the model cache and the inference replicas: locally the user's cache (the AppHost's
/// HF_HOME, else ~/.cache/huggingface; HF_HUB_CACHE, HF_ENDPOINT and HF_HUB_OFFLINE pass through when set); published,
/// the named volume <c>hf-cache</c> mounted at /hf-cache. HF_TOKEN comes from the hf-token parameter.
/// </summary>
public static class HuggingFaceCache
{
    public const string VolumeName = "hf-cache";
    public const string ContainerPath = "/hf-cache";

    private static readonly string[] PassThrough = ["HF_HUB_CACHE", "HF_ENDPOINT", "HF_HUB_OFFLINE"];

    /// <summary>The hf-token parameter. Run locally it is the AppHost's HF_TOKEN, and without one there is none: the
    /// services then read the token file of <c>huggingface-cli login</c> themselves, as huggingface_hub does.</summary>
    public static IResourceBuilder<ParameterResource>? AddHuggingFaceTokenParameter(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Configuration["Parameters:hf-token"] ??= builder.Configuration["HF_TOKEN"];
            if (string.IsNullOrEmpty(builder.Configuration["Parameters:hf-token"])) return null;
        }
        return builder.AddParameter("hf-token", secret: true);
    }

    public static IResourceBuilder<ProjectResource> WithHuggingFaceCache(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<ParameterResource>? token)
    {
        var configuration = project.ApplicationBuilder.Configuration;
        var localHome = configuration["HF_HOME"] is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        project
            .WithAnnotation(new ContainerVolumeAnnotation(VolumeName, ContainerPath))
            .WithEnvironment(context =>
            {
                if (context.ExecutionContext.IsPublishMode)
                {
                    context.EnvironmentVariables["HF_HOME"] = ContainerPath;
                    return;
                }
                context.EnvironmentVariables["HF_HOME"] = localHome;
                foreach (var name in PassThrough)
                    if (configuration[name] is { Length: > 0 } value) context.EnvironmentVariables[name] = value;
            });
        return token is null ? project : project.WithEnvironment("HF_TOKEN", token);
    }
}
