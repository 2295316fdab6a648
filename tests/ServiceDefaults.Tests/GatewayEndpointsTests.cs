using Tests.Shared;

namespace ServiceDefaults.Tests;

public sealed class GatewayEndpointsTests(GatewayEndpointsTests.Service service)
    : DefaultEndpointsTests(service), IClassFixture<GatewayEndpointsTests.Service>
{
    public sealed class Service() : ServiceFixture("Gateway");
}
