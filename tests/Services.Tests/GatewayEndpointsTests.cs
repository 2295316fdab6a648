using Services.Tests.Infrastructure;

namespace Services.Tests;

public sealed class GatewayEndpointsTests(GatewayEndpointsTests.Service service)
    : DefaultEndpointsTests(service), IClassFixture<GatewayEndpointsTests.Service>
{
    public sealed class Service() : ServiceFixture("Gateway");
}
