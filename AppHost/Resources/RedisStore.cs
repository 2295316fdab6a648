using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Resources;

/// <summary>
/// The Redis the gateway (keys, limits), the model cache (pull state) and the dashboard share. Published: Aspire's Redis
/// container (password, a data volume, snapshots). Run locally: the same container when <c>--Redis:Container true</c>
/// (a machine with Docker or Podman), otherwise <c>redis-server</c> from the OS on loopback, password-protected, without
/// persistence. Either way the services get <c>ConnectionStrings__redis</c>.
/// </summary>
public static class RedisStore
{
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisStore(this IDistributedApplicationBuilder builder, string name)
    {
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true);
        if (builder.ExecutionContext.IsPublishMode || builder.Configuration.GetValue("Redis:Container", false))
            return builder.AddRedis(name, password: password).WithDataVolume($"{name}-data").WithPersistence()
                .WithAnnotation(new ShellHealthProbeAnnotation("redis-cli -a \"$REDIS_PASSWORD\" --no-auth-warning ping | grep -q PONG"));

        var redis = new LocalRedisResource(name, password.Resource);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancel) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancel));
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException("Redis has no address yet."), name: healthCheck);

        return builder.AddResource(redis)
            // A free port: a system redis-server (Debian starts one on 6379 when installed) must not clash.
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "redis", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--requirepass");
                context.Args.Add(redis.Password);
                // In memory only: a local run starts clean (keys are created anew and printed each run).
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheck);
    }
}
