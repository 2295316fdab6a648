using AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace AppHost;

/// <summary>
/// The engine flags of the inference replicas: the AppHost's configuration section <c>Engine</c> (from its
/// command line, e.g. <c>--model DIR --max-model-len 512</c>, or <c>Engine__*</c> variables) is passed on as
/// <c>Engine__*</c> variables, except where they listen (the AppHost allocates that). The embedded default
/// model has no chat template; it gets a minimal one, so chat completions work out of the box (locally and
/// in compose).
/// </summary>
public static class EngineConfiguration
{
    public const string EmbeddedModelName = "stories260K";

    public const string EmbeddedModelChatTemplate =
        "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}{{ m['content'] }}{% endif %}{% endfor %}";

    public static IResourceBuilder<ProjectResource> WithEngineConfiguration(this IResourceBuilder<ProjectResource> inference, IConfiguration configuration)
    {
        var engine = configuration.GetSection("Engine");
        if (engine["Host"] is not null || engine["Port"] is not null)
            Console.WriteLine("AppHost: --host/--port are ignored: the AppHost gives each inference replica its port (--random-ports for free ones).");
        inference.WithEnvironment(engine, key => key is not ("Host" or "Port"));
        if (string.IsNullOrEmpty(engine["Model"]) && string.IsNullOrEmpty(engine["ChatTemplate"]))
            inference.WithEnvironment(context =>
            {
                // Not in the manifest: its braces would read as manifest expressions (deployments serve a real model anyway).
                if (context.Target != ExecutionTarget.Manifest)
                    context.Set("Engine__ChatTemplate", context.Values.Literal(EmbeddedModelChatTemplate));
            });
        return inference;
    }

    /// <summary>The name clients pass as "model": --served-model-name, else --model as given, else the embedded model's.</summary>
    public static string ServedModelName(IConfiguration configuration) =>
        configuration["Engine:ServedModelName"] is { Length: > 0 } name ? name
        : configuration["Engine:Model"] is { Length: > 0 } model ? model
        : EmbeddedModelName;
}
