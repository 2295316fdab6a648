using Tests.Shared;

namespace ServiceDefaults.Tests;

public sealed class GatewayEndpointsTests(GatewayEndpointsTests.Service service)
    : DefaultEndpointsTests(service, Service.AdminKey), IClassFixture<GatewayEndpointsTests.Service>
{
    public sealed class Service() : ServiceFixture("Gateway", new ServiceOptions
    {
        Environment = new Dictionary<string, string> { ["Gateway__AdminKey"] = AdminKey },
    })
    {
        public const string AdminKey = "service-defaults-admin-key";
    }
}
