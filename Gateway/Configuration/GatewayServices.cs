using Gateway.Admin;
using Gateway.Deployments;
using Gateway.Keys;
using Gateway.Limits;
using Gateway.Observability;
using Gateway.Redis;
using Gateway.Routing;
using Gateway.Tls;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace Gateway.Configuration;

/// <summary>Registers the gateway's services: options, key store and limiter (Redis-backed when configured), routing, health.</summary>
public static class GatewayServices
{
    public const string CorsPolicy = "gateway";

    public static async Task<GatewayOptions> AddGatewayAsync(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        var services = builder.Services;
        if (options.PrefixAffinityChars < 1 || options.PrefixAffinityLoadFactor < 1)
            throw new InvalidSettingException(
                $"Gateway:PrefixAffinityChars must be at least 1 (got {options.PrefixAffinityChars}) and Gateway:PrefixAffinityLoadFactor at least 1 (got {options.PrefixAffinityLoadFactor}).");
        if (options.PrefixAffinityTtl <= TimeSpan.Zero)
            throw new InvalidSettingException($"Gateway:PrefixAffinityTtl must be positive (got {options.PrefixAffinityTtl}).");
        if (options.PrefixAffinityMaxPrefixes < 1)
            throw new InvalidSettingException($"Gateway:PrefixAffinityMaxPrefixes must be at least 1 (got {options.PrefixAffinityMaxPrefixes}).");
        foreach (var (name, fields) in options.Deployments)
            if (Deployments.DeploymentRequest.FromSettings(name, fields) is { Request: null } refused)
                throw new InvalidSettingException($"Gateway:Deployments:{name}: {refused.Error}");
        services.AddSingleton(options);
        builder.AddGatewayTls(options.Tls);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AdminAccess>();
        services.AddSingleton<GatewayMetrics>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);

        var health = services.AddHealthChecks();
        services.AddSingleton<LocalRateLimitStore>();
        services.AddSingleton<LocalPrefixAssignments>();
        var redisConnectionString = builder.Configuration.GetConnectionString("redis");
        if (string.IsNullOrWhiteSpace(redisConnectionString))
        {
            services.AddSingleton<IApiKeyStore, InMemoryApiKeyStore>();
            services.AddSingleton(sp => new RateLimiter(sp.GetRequiredService<LocalRateLimitStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RateLimiter>>()));
            services.AddSingleton<IPrefixAssignments>(sp => sp.GetRequiredService<LocalPrefixAssignments>());
            services.AddSingleton<IDeploymentStore, InMemoryDeploymentStore>();
        }
        else
        {
            var redis = await RedisConnection.ConnectAsync(redisConnectionString);
            services.AddSingleton(redis);
            services.AddSingleton<IApiKeyStore, RedisApiKeyStore>();
            services.AddSingleton<RedisRateLimitStore>();
            services.AddSingleton(sp => new RateLimiter(sp.GetRequiredService<LocalRateLimitStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RateLimiter>>(),
                sp.GetRequiredService<RedisRateLimitStore>()));
            services.AddSingleton<IPrefixAssignments, RedisPrefixAssignments>();
            services.AddSingleton<IDeploymentStore, RedisDeploymentStore>();
            health.AddCheck<RedisHealthCheck>("redis");
        }
        services.AddSingleton<ApiKeyAuthenticator>();

        var replicas = InferenceReplicas.Read(builder.Configuration);
        services.AddSingleton(replicas);
        services.AddSingleton<ReplicaAdminClient>();
        services.AddSingleton<ModelCatalog>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddSingleton<DeploymentReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<DeploymentReconciler>());
        // YARP's session affinity (unused) wants Data Protection; keep its keys in memory instead of on disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddSingleton<ILoadBalancingPolicy, PrefixAffinityPolicy>();
        services.AddReverseProxy().LoadFromMemory(ProxyConfiguration.Routes(options), [ProxyConfiguration.Cluster(replicas, options)])
            .AddTransforms(transforms => transforms.AddResponseTransform(ReplicaRefusal.HoldBackAsync));
        if (replicas.Count > 0) health.AddCheck<ReplicasHealthCheck>("replicas");

        if (options.CorsOrigins.Length > 0)
            services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
            {
                if (options.CorsOrigins.Contains("*")) policy.AllowAnyOrigin();
                else policy.WithOrigins(options.CorsOrigins);
                policy.AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
                        "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "retry-after");
            }));
        return options;
    }
}
