using Tests.Shared;

namespace ServiceDefaults.Tests;

public sealed class AdminDashboardEndpointsTests(AdminDashboardEndpointsTests.Service service)
    : DefaultEndpointsTests(service), IClassFixture<AdminDashboardEndpointsTests.Service>
{
    public sealed class Service() : ServiceFixture("AdminDashboard");
}
