#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline steps are marked experimental in 13.x.

using AppHost.Publishing.Kubernetes;

namespace AppHost.Publishing;

/// <summary>
/// <c>--publisher compose|kubernetes --output-path P</c>: pipeline steps after Aspire's own manifest step, which turn that
/// manifest (Aspire's serialized application model) into a deployment (docker compose files, or a Helm chart), so the
/// resources are described once, in Program.cs.
/// </summary>
public static class DeploymentPublishers
{
    public const string ManifestStepName = "publish-manifest";

    private static readonly (string Publisher, string Step, Func<PipelineStepContext, Task> Write)[] Publishers =
    [
        ("compose", "publish-compose", ComposeWriter.WriteAsync),
        ("kubernetes", "publish-kubernetes", HelmChartWriter.WriteAsync),
    ];

    /// <summary>What <c>--publisher</c> takes: Aspire's manifest and these.</summary>
    public static IReadOnlyList<string> Names { get; } = ["manifest", .. Publishers.Select(p => p.Publisher)];

    public static IDistributedApplicationBuilder AddDeploymentPublishers(this IDistributedApplicationBuilder builder)
    {
        foreach (var (publisher, step, write) in Publishers)
        {
            // As Aspire maps `--publisher manifest` to its manifest step, `--publisher compose` runs publish-compose.
            if (string.Equals(builder.Configuration["Publishing:Publisher"], publisher, StringComparison.OrdinalIgnoreCase))
                builder.Configuration["Pipeline:Step"] ??= step;
            builder.Pipeline.AddStep(step, write, dependsOn: ManifestStepName);
        }
        return builder;
    }
}
