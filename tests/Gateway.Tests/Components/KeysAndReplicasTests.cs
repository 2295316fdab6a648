using Gateway.Keys;
using Gateway.Routing;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Components;

public sealed class KeysAndReplicasTests
{
    [Fact]
    public void Keys_are_random_sk_strings_hashed_with_SHA256()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ApiKeySecret.Generate()).ToList();
        Assert.All(keys, k => Assert.Matches("^sk-[A-Za-z0-9_-]{43}$", k));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        // FIPS 180-2 test vector for "abc".
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeySecret.Hash("abc"));
        Assert.True(ApiKeySecret.HashesEqual(ApiKeySecret.Hash("abc"), ApiKeySecret.Hash("abc")));
        Assert.False(ApiKeySecret.HashesEqual(ApiKeySecret.Hash("abc"), ApiKeySecret.Hash("abd")));
    }

    [Fact]
    public void Replicas_come_from_Aspire_service_discovery_configuration_in_index_order()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:inference:http:10"] = "http://127.0.0.1:9010",
            ["services:inference:http:2"] = "http://127.0.0.1:9002",
            ["services:inference:https:0"] = "https://gpu-box:8443",
            ["services:other:http:0"] = "http://127.0.0.1:1",
        }).Build();
        var replicas = InferenceReplicas.Read(configuration);
        Assert.Equal(
            [new Replica("inference-0", new Uri("http://127.0.0.1:9002")), new Replica("inference-1", new Uri("http://127.0.0.1:9010")),
             new Replica("inference-2", new Uri("https://gpu-box:8443"))],
            replicas);
    }

    [Fact]
    public void A_replica_that_is_not_an_http_url_stops_the_gateway_at_startup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:inference:http:0"] = "127.0.0.1:9000",
        }).Build();
        Assert.Throws<InvalidOperationException>(() => InferenceReplicas.Read(configuration));
    }
}
