using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Resources;

/// <summary>
/// Gives the admin dashboard the address of the Aspire dashboard (traces, logs and metrics of every service), which it
/// links to; only in local runs with the Aspire dashboard on (deployments run their own telemetry backends).
/// </summary>
public static class AspireDashboardLink
{
    public static IResourceBuilder<ProjectResource> WithAspireDashboardLink(this IResourceBuilder<ProjectResource> dashboard)
    {
        var configuration = dashboard.ApplicationBuilder.Configuration;
        return dashboard.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsRunMode
                && !context.ExecutionContext.Services.GetRequiredService<DistributedApplicationOptions>().DisableDashboard
                && configuration["ASPNETCORE_URLS"] is { Length: > 0 } urls)
                context.EnvironmentVariables["Dashboard__AspireDashboardUrl"] = urls.Split(';')[0];
        });
    }
}
