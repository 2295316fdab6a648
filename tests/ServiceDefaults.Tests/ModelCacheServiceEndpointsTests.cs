using Tests.Shared;

namespace ServiceDefaults.Tests;

public sealed class ModelCacheServiceEndpointsTests(ModelCacheServiceEndpointsTests.Service service)
    : DefaultEndpointsTests(service), IClassFixture<ModelCacheServiceEndpointsTests.Service>
{
    public sealed class Service() : ServiceFixture("ModelCacheService");
}
