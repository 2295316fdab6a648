using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AppHost.Tests;

/// <summary>
/// What the AppHost starts under Aspire.Hosting.Testing: every resource healthy, dependents started after what they
/// wait for, the environment each service gets (service discovery entries per replica, the Redis connection string with
/// its password), telemetry from every service under its own name, and Redis on loopback, password-protected, in memory.
/// </summary>
[Collection(AspireSystemCollection.Name)]
public sealed class OrchestrationTests(AspireSystemFixture system)
{
    [Fact]
    public void Every_resource_is_running_and_healthy()
    {
        foreach (var service in AspireSystemFixture.Services)
        {
            var snapshot = system.Snapshot(service);
            Assert.Equal(KnownResourceStates.Running, snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, snapshot.HealthStatus);
        }
    }

    [Fact]
    public void Dependents_started_after_what_they_wait_for()
    {
        foreach (var (dependent, dependency) in new[]
                 {
                     ("modelcache", "redis"), ("inference-0", "modelcache"), ("inference-1", "modelcache"),
                     ("gateway", "redis"), ("gateway", "inference-0"), ("gateway", "inference-1"), ("dashboard", "gateway"),
                 })
            Assert.True(system.Snapshot(dependent).StartTimeStamp > system.Snapshot(dependency).StartTimeStamp,
                $"{dependent} started at {system.Snapshot(dependent).StartTimeStamp:O}, before {dependency} ({system.Snapshot(dependency).StartTimeStamp:O})");
    }

    [Fact]
    public async Task The_gateway_and_the_dashboard_get_every_replica_and_Redis_with_its_password()
    {
        var redisConnection = await system.App.GetConnectionStringAsync("redis");
        Assert.Matches(@"^localhost:\d+,password=[A-Za-z0-9]{24,}$", redisConnection);
        foreach (var service in new[] { "gateway", "dashboard" })
        {
            var environment = Environment(service);
            Assert.Equal(system.App.GetEndpoint("inference-0", "http").ToString().TrimEnd('/'), environment["services__inference__http__0"].TrimEnd('/'));
            Assert.Equal(system.App.GetEndpoint("inference-1", "http").ToString().TrimEnd('/'), environment["services__inference__http__1"].TrimEnd('/'));
            Assert.Equal(redisConnection, environment["ConnectionStrings__redis"]);
        }
        Assert.Equal(AspireSystemFixture.AdminKey, Environment("gateway")["Gateway__AdminKey"]);
        // One model cache key: the service's, which its clients send.
        var modelCacheKey = Environment("modelcache")["ModelCache__ApiKey"];
        Assert.True(modelCacheKey.Length >= 32, modelCacheKey);
        foreach (var client in new[] { "inference-0", "inference-1", "dashboard" }) Assert.Equal(modelCacheKey, Environment(client)["ModelCache__ApiKey"]);
        Assert.Equal(system.App.GetEndpoint("modelcache", "http").ToString().TrimEnd('/'), Environment("inference-0")["services__modelcache__http__0"].TrimEnd('/'));
    }

    [Fact]
    public async Task Replicas_answer_only_with_their_API_key_which_the_gateway_and_the_dashboard_hold()
    {
        using var replica = system.App.CreateHttpClient("inference-0");
        using var anonymous = await replica.PostAsJsonAsync("/v1/completions", new { model = AspireSystemFixture.ModelName, prompt = "Hi", max_tokens = 2 });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = AspireSystemFixture.ModelName, prompt = "Hi", max_tokens = 2 }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AspireSystemFixture.InferenceApiKey) },
        };
        using var keyed = await replica.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, keyed.StatusCode);
        foreach (var (service, variable) in new[] { ("gateway", "Gateway__UpstreamApiKey"), ("dashboard", "Dashboard__InferenceApiKey"), ("inference-1", "Engine__ApiKey") })
            Assert.Equal(AspireSystemFixture.InferenceApiKey, Environment(service)[variable]);
    }

    [Fact]
    public void The_gateway_holds_the_replicas_admin_key_to_deploy_models()
    {
        var key = Environment("gateway")["Gateway__UpstreamAdminKey"];
        Assert.Matches("^[A-Za-z0-9]{32,}$", key);
        Assert.Equal(key, Environment("inference-0")["Engine__AdminKey"]);
        Assert.Equal(key, Environment("inference-1")["Engine__AdminKey"]);
        Assert.NotEqual(key, Environment("gateway")["Gateway__UpstreamApiKey"]);
    }

    [Fact]
    public async Task Every_service_exports_telemetry_under_its_own_name()
    {
        string[] projects = ["modelcache", "inference-0", "inference-1", "gateway", "dashboard"];
        var exported = await system.Telemetry.WaitForResourcesAsync(resources => projects.All(p => resources.Any(r => r.Service == p)), TimeSpan.FromSeconds(30));
        Assert.True(exported, $"services seen: {string.Join(", ", system.Telemetry.Resources.Select(r => r.Service).Distinct())}; " +
                              $"errors: {string.Join("; ", system.Telemetry.Errors)}");
    }

    [Fact]
    public async Task Redis_listens_on_loopback_needs_its_password_and_keeps_nothing_on_disk()
    {
        var connection = (await system.App.GetConnectionStringAsync("redis"))!;
        var port = int.Parse(connection.Split(',')[0].Split(':')[1]);
        var password = connection.Split("password=")[1];
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();

        Assert.StartsWith("-NOAUTH", await CommandAsync(stream, "PING"));
        // Without the password nobody mints an API key by writing the gateway's records.
        Assert.StartsWith("-NOAUTH", await CommandAsync(stream, "HSET", "gw:key:forged", "id", "key_forged", "revoked", "0"));
        Assert.Equal("+OK", await CommandAsync(stream, "AUTH", password));
        Assert.Equal("+PONG", await CommandAsync(stream, "PING"));
        Assert.Equal("bind 127.0.0.1", await CommandAsync(stream, "CONFIG", "GET", "bind"));
        Assert.Equal("save ", await CommandAsync(stream, "CONFIG", "GET", "save"));
        Assert.Equal("appendonly no", await CommandAsync(stream, "CONFIG", "GET", "appendonly"));
    }

    private Dictionary<string, string> Environment(string service) =>
        system.Snapshot(service).EnvironmentVariables.Where(v => v.Value is not null).ToDictionary(v => v.Name, v => v.Value!);

    /// <summary>One Redis command in RESP; the reply flattened to text: "+OK", "-NOAUTH ...", or a multi-bulk reply's items
    /// joined by spaces.</summary>
    private static async Task<string> CommandAsync(NetworkStream stream, params string[] parts)
    {
        var command = new StringBuilder($"*{parts.Length}\r\n");
        foreach (var part in parts) command.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()));
        return await ReplyAsync(stream);
    }

    private static async Task<string> ReplyAsync(NetworkStream stream)
    {
        var line = await LineAsync(stream);
        switch (line[0])
        {
            case '*':
                var items = new List<string>();
                for (var i = int.Parse(line[1..]); i > 0; i--) items.Add(await ReplyAsync(stream));
                return string.Join(' ', items);
            case '$':
                var length = int.Parse(line[1..]);
                if (length < 0) return "(nil)";
                var bytes = new byte[length + 2];
                await stream.ReadExactlyAsync(bytes);
                return Encoding.UTF8.GetString(bytes, 0, length);
            default:
                return line;
        }
    }

    private static async Task<string> LineAsync(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            await stream.ReadExactlyAsync(one);
            line.Add(one[0]);
        }
        return Encoding.UTF8.GetString(line.ToArray(), 0, line.Count - 2);
    }
}
