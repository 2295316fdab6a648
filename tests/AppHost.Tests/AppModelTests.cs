using System.Net;
using System.Net.Sockets;
using AppHost.Hosting;
using AppHost.Hosting.Publishing;

namespace AppHost.Tests;

/// <summary>The application model in-process: configuration, references for each target, ports, restart backoff.</summary>
public sealed class AppModelTests
{
    private static DistributedApplicationBuilder NewBuilder() => new(new DistributedApplicationOptions { AppHostDirectory = AppHostDirectory });

    private static string AppHostDirectory => Path.Combine(BuildOutput.RepositoryRoot, "AppHost");

    [Fact]
    public void Engine_flags_on_the_command_line_become_Engine_configuration()
    {
        var configuration = AppHostConfiguration.FromArgs(
            ["--model", "/models/x", "--max-model-len=512", "--no-enable-prefix-caching", "--enable-chunked", "--Inference:Replicas", "3"])
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("/models/x", configuration["Engine:Model"]);
        Assert.Equal("512", configuration["Engine:MaxModelLen"]);
        Assert.Equal("false", configuration["Engine:EnablePrefixCaching"]);
        Assert.Equal("true", configuration["Engine:EnableChunked"]);
        Assert.Equal("3", configuration["Inference:Replicas"]);
    }

    [Fact]
    public void Own_flags_are_separated_from_configuration()
    {
        var options = DistributedApplicationOptions.Parse(
            ["--random-ports", "--model", "m", "--publisher", "compose", "--output-path", "out", "--state-file", "s.json"]);
        Assert.True(options.RandomPorts);
        Assert.Equal("compose", options.Publisher);
        Assert.Equal("out", options.OutputPath);
        Assert.Equal("s.json", options.StateFile);
        Assert.Equal(["--model", "m"], options.ConfigurationArgs);
        Assert.Throws<ArgumentException>(() => DistributedApplicationOptions.Parse(["--publisher", "helm"]));
    }

    [Fact]
    public void References_render_as_Aspire_environment_for_run_manifest_and_compose()
    {
        var builder = NewBuilder();
        var secret = builder.AddParameter("api-secret", secret: true, generateLength: 16);
        var redis = builder.AddRedis("redis");
        var api = builder.AddProject("api", "../Gateway/Gateway.csproj").WithReplicas(2).WithHttpEndpoint(port: 9001);
        var front = builder.AddProject("front", "../AdminDashboard/AdminDashboard.csproj").WithHttpEndpoint()
            .WithReference(redis).WithReference(api).WithEnvironment("Front__Secret", secret).WithEnvironment("Template", "{{ x }} costs $5");
        redis.Resource.GetEndpoint("tcp").Ports = [6400];
        api.Resource.GetEndpoint("http").Ports = [9001, 9002];
        front.Resource.GetEndpoint("http").Ports = [9100];

        var run = EnvironmentContext.Evaluate(front.Resource, 0, new RunValues(null));
        Assert.Equal("127.0.0.1:6400", run["ConnectionStrings__redis"]);
        Assert.Equal("http://127.0.0.1:9001", run["services__api__http__0"]);
        Assert.Equal("http://127.0.0.1:9002", run["services__api__http__1"]);
        Assert.Equal("http://127.0.0.1:9100", run["ASPNETCORE_URLS"]);
        Assert.Equal("front", run["OTEL_SERVICE_NAME"]);
        Assert.Equal(16, run["Front__Secret"].Length);
        Assert.Equal("{{ x }} costs $5", run["Template"]);
        Assert.False(run.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT")); // None configured.

        var replica = EnvironmentContext.Evaluate(api.Resource, 1, new RunValues(new OtlpSettings("http://127.0.0.1:4318", "http/protobuf", null)));
        Assert.Equal("http://127.0.0.1:9002", replica["ASPNETCORE_URLS"]);
        Assert.Equal("service.instance.id=api-1", replica["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("http://127.0.0.1:4318", replica["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", replica["OTEL_EXPORTER_OTLP_PROTOCOL"]);

        var manifest = EnvironmentContext.Evaluate(front.Resource, 0, new ManifestValues());
        Assert.Equal("{redis.connectionString}", manifest["ConnectionStrings__redis"]);
        Assert.Equal("{api.bindings.http.url}", manifest["services__api__http__0"]);
        Assert.False(manifest.ContainsKey("services__api__http__1")); // One load-balanced address when deployed.
        Assert.Equal("{api-secret.value}", manifest["Front__Secret"]);
        Assert.Equal("http://+:{front.bindings.http.targetPort}", manifest["ASPNETCORE_URLS"]);
        Assert.Equal("{{ x }} costs $5", manifest["Template"]); // As Aspire: literals unchanged.

        var composeValues = new ComposeValues();
        var compose = EnvironmentContext.Evaluate(front.Resource, 0, composeValues);
        Assert.Equal("redis:6379", compose["ConnectionStrings__redis"]);
        Assert.Equal("http://api:8080", compose["services__api__http__0"]);
        Assert.Equal("${API_SECRET}", compose["Front__Secret"]);
        Assert.Equal("http://+:8080", compose["ASPNETCORE_URLS"]);
        Assert.Equal("{{ x }} costs $$5", compose["Template"]);
        Assert.Contains(secret.Resource, composeValues.UsedParameters);
    }

    [Fact]
    public void A_configured_parameter_wins_over_a_generated_one()
    {
        var configured = new ParameterResource("key", secret: true) { Configured = "given", GenerateLength = 10 };
        var generated = new ParameterResource("key", secret: true) { GenerateLength = 10 };
        Assert.Equal("given", configured.Value);
        Assert.Equal(10, generated.Value.Length);
        Assert.Equal(generated.Value, generated.Value); // Generated once per run.
        Assert.Equal("GATEWAY_ADMIN_KEY", new ParameterResource("gateway-admin-key", true).EnvironmentVariableName);
    }

    [Fact]
    public void Replicas_get_consecutive_declared_ports_and_a_busy_port_is_replaced()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var busyPort = ((IPEndPoint)busy.LocalEndpoint).Port;
        var builder = NewBuilder();
        var free = TwoFreePorts();
        var api = builder.AddProject("api", "../Gateway/Gateway.csproj").WithReplicas(2).WithHttpEndpoint(port: free);
        var other = builder.AddProject("other", "../Gateway/Gateway.csproj").WithHttpEndpoint(port: busyPort);
        var warnings = new List<string>();

        new PortAllocator(randomPorts: false, warnings.Add).AllocateAll(builder.Resources);

        Assert.Equal(free, api.Resource.GetEndpoint("http").Port(0));
        Assert.Equal(free + 1, api.Resource.GetEndpoint("http").Port(1));
        Assert.NotEqual(busyPort, other.Resource.GetEndpoint("http").Port());
        Assert.Contains(warnings, w => w.Contains(busyPort.ToString()));
    }

    /// <summary>A port p where p and p + 1 are both free.</summary>
    private static int TwoFreePorts()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken; try another.
            }
        }
    }

    [Fact]
    public void Random_ports_are_unique()
    {
        var builder = NewBuilder();
        var api = builder.AddProject("api", "../Gateway/Gateway.csproj").WithReplicas(3).WithHttpEndpoint(port: 8000);
        var redis = builder.AddRedis("redis");
        new PortAllocator(randomPorts: true, _ => { }).AllocateAll(builder.Resources);
        var ports = api.Resource.GetEndpoint("http").Ports.Append(redis.Resource.GetEndpoint("tcp").Port()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.DoesNotContain(8000, ports);
    }

    [Fact]
    public void Restart_backoff_doubles_up_to_30_seconds()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(i => RestartBackoff.Delay(i).TotalSeconds));
    }

    [Fact]
    public void Prometheus_scrapes_every_replica()
    {
        var builder = NewBuilder();
        var api = builder.AddProject("api", "../Gateway/Gateway.csproj").WithReplicas(2).WithHttpEndpoint();
        var prometheus = builder.AddPrometheus("prometheus").WithScrapeTargets(api);
        api.Resource.GetEndpoint("http").Ports = [7001, 7002];
        var configuration = prometheus.Resource.ScrapeConfiguration();
        Assert.Contains("job_name: \"api\"", configuration);
        Assert.Contains("targets: [\"127.0.0.1:7001\", \"127.0.0.1:7002\"]", configuration);
        Assert.True(prometheus.Resource.ExcludeFromPublish);
    }
}
