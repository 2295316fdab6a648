namespace AppHost.Tests.Infrastructure;

/// <summary>
/// A test that needs the real gateway (API keys, routing to the replicas); also mark it
/// <c>[Trait("Requires", "Gateway")]</c>. Skipped while this tree has the minimal gateway (no admin API
/// source), unless APPHOST_TESTS_REQUIRE_GATEWAY=1 makes it run (and fail) anyway.
/// </summary>
public sealed class GatewayFactAttribute : FactAttribute
{
    public GatewayFactAttribute()
    {
        var hasGateway = File.Exists(Path.Combine(BuildOutput.RepositoryRoot, "Gateway", "Admin", "AdminEndpoints.cs"));
        if (!hasGateway && Environment.GetEnvironmentVariable("APPHOST_TESTS_REQUIRE_GATEWAY") != "1")
            Skip = "Needs the real gateway (admin API, API keys, routing); this tree has the minimal one.";
    }
}
