using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace AppHost.Tests;

/// <summary>
/// The system the AppHost runs (whatever the services do): resources and replicas, start order by health,
/// Aspire's environment injected, telemetry exported, redis without persistence, crashed replicas restarted.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OrchestrationTests(SystemFixture system)
{
    private TestingAppHost App => system.App;

    [Fact]
    public void Every_resource_and_replica_is_healthy_and_listed_in_the_table()
    {
        var state = App.State;
        Assert.Equal(["redis", "modelcache", "inference-0", "inference-1", "gateway", "dashboard"], state.Resources.Select(r => r.Name));
        Assert.All(state.Resources, r => Assert.True(r.IsUp, $"{r.Name} is {r.State}"));
        foreach (var resource in state.Resources)
            Assert.Matches($@"(?m)^{resource.Name}\s+\w+\s+(Healthy|Running)\s+{resource.Pid}\s+\d+\s+{Regex.Escape(resource.Endpoints.Values.First())}", App.Process.Output);
        var ports = state.Resources.SelectMany(r => r.Endpoints.Values).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.DoesNotContain(ports, url => url.EndsWith(":8000", StringComparison.Ordinal)); // --random-ports
    }

    [Fact]
    public void Dependents_start_only_after_their_dependencies_are_healthy()
    {
        var output = App.Process.Output;
        void Before(string first, string then)
        {
            var a = output.IndexOf(first, StringComparison.Ordinal);
            var b = output.IndexOf(then, StringComparison.Ordinal);
            Assert.True(a >= 0 && b >= 0 && a < b, $"expected '{first}' before '{then}'\n{output}");
        }
        Before("[redis] healthy", "[modelcache] started");
        Before("[redis] healthy", "[gateway] started");
        Before("[modelcache] healthy", "[inference-0] started");
        Before("[modelcache] healthy", "[inference-1] started");
        Before("[inference-0] healthy", "[gateway] started");
        Before("[inference-1] healthy", "[gateway] started");
        Before("[gateway] healthy", "[dashboard] started");
    }

    [Fact]
    public void References_inject_the_environment_Aspire_would()
    {
        var state = App.State;
        var redis = App.GetConnectionString("redis");
        var replicas = state.ReplicasOf("inference").Select(r => r.Endpoints["http"]).ToList();
        var otlp = system.Telemetry.Endpoint.ToString().TrimEnd('/');

        var gateway = App.EnvironmentOf("gateway");
        Assert.Equal(redis, gateway["ConnectionStrings__redis"]);
        Assert.Equal(replicas[0], gateway["services__inference__http__0"]);
        Assert.Equal(replicas[1], gateway["services__inference__http__1"]);
        Assert.Equal(SystemFixture.AdminKey, gateway["Gateway__AdminKey"]);
        Assert.Equal(state["gateway"].Endpoints["http"], gateway["ASPNETCORE_URLS"]);
        Assert.Equal("gateway", gateway["OTEL_SERVICE_NAME"]);
        Assert.Equal(otlp, gateway["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", gateway["OTEL_EXPORTER_OTLP_PROTOCOL"]);

        var dashboard = App.EnvironmentOf("dashboard");
        Assert.Equal(state["gateway"].Endpoints["http"], dashboard["services__gateway__http__0"]);
        Assert.Equal(state["modelcache"].Endpoints["http"], dashboard["services__modelcache__http__0"]);
        Assert.Equal(replicas[1], dashboard["services__inference__http__1"]);
        Assert.Equal(SystemFixture.AdminKey, dashboard["Dashboard__AdminKey"]);
        Assert.Equal(redis, dashboard["ConnectionStrings__redis"]);

        var modelcache = App.EnvironmentOf("modelcache");
        Assert.Equal(redis, modelcache["ConnectionStrings__redis"]);
        Assert.Equal(system.HfHome, modelcache["HF_HOME"]);

        var inference = App.EnvironmentOf("inference-1");
        Assert.Equal(replicas[1], inference["ASPNETCORE_URLS"]);
        Assert.Equal("inference", inference["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=inference-1", inference["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal(system.HfHome, inference["HF_HOME"]);
        Assert.Equal(state["modelcache"].Endpoints["http"], inference["services__modelcache__http__0"]);
        Assert.Equal("1", inference["Engine__Threads"]); // The AppHost's Engine configuration is passed on.
        Assert.Contains("bos_token", inference["Engine__ChatTemplate"]); // The embedded model gets a chat template.
    }

    [Fact]
    public async Task Every_service_exports_telemetry_under_its_own_name()
    {
        string[] expected = ["modelcache/modelcache", "inference/inference-0", "inference/inference-1", "gateway/gateway", "dashboard/dashboard"];
        var exported = await system.Telemetry.WaitForResourcesAsync(
            resources => expected.All(e => resources.Any(r => $"{r.Service}/{r.ServiceInstance}" == e)), TimeSpan.FromSeconds(30));
        Assert.True(exported, $"Seen: {string.Join(", ", system.Telemetry.Resources.Select(r => $"{r.Signal}:{r.Service}/{r.ServiceInstance}").Distinct())}; " +
                              $"errors: {string.Join("; ", system.Telemetry.Errors)}");
    }

    [Fact]
    public async Task Redis_runs_on_loopback_without_persistence()
    {
        var (host, port) = (App.GetConnectionString("redis").Split(':')[0], int.Parse(App.GetConnectionString("redis").Split(':')[1]));
        Assert.Equal("127.0.0.1", host);
        Assert.Equal("*2\r\n$4\r\nsave\r\n$0\r\n\r\n", await RedisCommandAsync(port, "CONFIG", "GET", "save"));
        Assert.Equal("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n", await RedisCommandAsync(port, "CONFIG", "GET", "appendonly"));
    }

    [Fact]
    public async Task A_killed_replica_is_restarted_on_the_same_port()
    {
        var before = App.State["inference-1"];
        using (var kill = Process.Start("kill", ["-KILL", before.Pid!.Value.ToString()])) await kill.WaitForExitAsync();

        var after = (await App.WaitForStateAsync(s => s["inference-1"].Pid != before.Pid && s["inference-1"].IsUp,
            TimeSpan.FromSeconds(90), "inference-1 to be restarted and healthy"))["inference-1"];
        Assert.Equal(before.Restarts + 1, after.Restarts);
        Assert.Equal(before.Endpoints["http"], after.Endpoints["http"]);
        Assert.Contains("[inference-1] exited with code 137; restarting in 1 s.", App.Process.Output);
        using var http = App.CreateHttpClient("inference-1");
        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(App.State["inference-0"].IsUp);
    }

    /// <summary>One RESP command, the raw reply.</summary>
    private static async Task<string> RedisCommandAsync(int port, params string[] args)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var request = new StringBuilder($"*{args.Length}\r\n");
        foreach (var arg in args) request.Append($"${arg.Length}\r\n{arg}\r\n");
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
