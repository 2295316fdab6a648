using StackExchange.Redis;

namespace ModelCacheService.Pulls;

/// <summary>Redis when ConnectionStrings:redis is set (Aspire's ConnectionStrings__redis), this process otherwise.</summary>
public static class PullStoreRegistration
{
    public const string ConnectionName = "redis";

    public static IServiceCollection AddPullStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        var connection = configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connection))
        {
            services.AddSingleton<IPullStore, InMemoryPullStore>();
            return services;
        }

        var options = ConfigurationOptions.Parse(connection);
        options.AbortOnConnectFail = false; // Start anyway and reconnect; /health says when Redis is missing.
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddSingleton<IPullStore, RedisPullStore>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>(ConnectionName);
        return services;
    }
}
