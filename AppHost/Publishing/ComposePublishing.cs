#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline steps are marked experimental in 13.x.

namespace AppHost.Publishing;

/// <summary>
/// <c>--publisher compose --output-path deploy/</c>: a pipeline step after Aspire's own manifest step, which turns that
/// manifest (Aspire's serialized application model) into docker-compose.yaml, a Dockerfile per project and .env, so the
/// resources are described once, in Program.cs.
/// </summary>
public static class ComposePublishing
{
    public const string StepName = "publish-compose";
    public const string ManifestStepName = "publish-manifest";

    public static IDistributedApplicationBuilder AddComposePublishing(this IDistributedApplicationBuilder builder)
    {
        // As Aspire maps `--publisher manifest` to its manifest step, `--publisher compose` runs this one.
        if (string.Equals(builder.Configuration["Publishing:Publisher"], "compose", StringComparison.OrdinalIgnoreCase))
            builder.Configuration["Pipeline:Step"] ??= StepName;
        builder.Pipeline.AddStep(StepName, ComposeWriter.WriteAsync, dependsOn: ManifestStepName);
        return builder;
    }
}
