using Engine.Configuration;

namespace AppHost.Resources;

/// <summary>
/// The engine flags of the inference replicas: the AppHost's configuration section <c>Engine</c> (from its command line,
/// e.g. <c>--model DIR --max-model-len 512</c>, or <c>Engine__*</c> variables) reaches each replica as <c>Engine__*</c>
/// variables, except where it listens (its endpoint decides). The embedded default model has no chat template; it gets a
/// minimal one, so chat completions work out of the box. Deployed, a replica may take <see cref="ModelLoadingTime"/> to
/// become healthy.
/// </summary>
public static class EngineConfiguration
{
    public const string EmbeddedModelChatTemplate =
        "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}{{ m['content'] }}{% endif %}{% endfor %}";

    public static IResourceBuilder<ProjectResource> WithEngineConfiguration(this IResourceBuilder<ProjectResource> inference)
    {
        var engine = inference.ApplicationBuilder.Configuration.GetSection("Engine");
        inference.WithConfigurationSection("Engine", key => key is not ("Host" or "Port"))
            .WithAnnotation(new StartupTimeAnnotation(ModelLoadingTime));
        if (string.IsNullOrEmpty(engine["Model"]) && string.IsNullOrEmpty(engine["ChatTemplate"]))
            inference.WithEnvironment(context =>
            {
                // Not published: its braces would read as manifest expressions (deployments serve a real model anyway).
                if (context.ExecutionContext.IsRunMode)
                    context.EnvironmentVariables["Engine__ChatTemplate"] = EmbeddedModelChatTemplate;
            });
        return inference;
    }

    /// <summary>The name clients pass as "model" (the engine's rule, from the flags the replicas get).</summary>
    public static string ServedModelName(IConfiguration configuration) =>
        Engine.Core.ServedModelName.Resolve(configuration["Engine:ServedModelName"], configuration["Engine:Model"]);

    /// <summary>How long a replica may take to load its model and become healthy once deployed (a large model from a
    /// network volume); the chart's startup probe and compose's start period allow this much.</summary>
    public static readonly TimeSpan ModelLoadingTime = TimeSpan.FromMinutes(30);

    public static IResourceBuilder<ProjectResource> WithGpuSupport(this IResourceBuilder<ProjectResource> inference) =>
        inference.WithAnnotation(new GpuSupportAnnotation(new Dictionary<string, string> { [EngineFlags.ConfigurationKey("device").Replace(":", "__", StringComparison.Ordinal)] = "cuda" }));
}
