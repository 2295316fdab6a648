using System.Text.Json;
using Gateway.Keys;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Deployments;

/// <summary>The desired deployments in the Redis hash <c>gw:deployments</c> (name → the deployment as JSON), so every
/// gateway reconciles the same state and a restarted one picks it up.</summary>
public sealed class RedisDeploymentStore(RedisConnection redis) : IDeploymentStore
{
    private static readonly RedisKey Hash = "gw:deployments";

    public Task<IReadOnlyList<Deployment>> ListAsync() => RunAsync<IReadOnlyList<Deployment>>(async db =>
        [.. (await db.HashGetAllAsync(Hash)).Select(e => JsonSerializer.Deserialize<Deployment>(e.Value.ToString())!).OrderBy(d => d.Created)]);

    public Task<bool> AddAsync(Deployment deployment) =>
        RunAsync(db => db.HashSetAsync(Hash, deployment.Name, JsonSerializer.Serialize(deployment), When.NotExists));

    public Task ReplaceAsync(Deployment deployment) =>
        RunAsync(db => db.HashSetAsync(Hash, deployment.Name, JsonSerializer.Serialize(deployment)));

    public Task RemoveAsync(string name) => RunAsync(db => db.HashDeleteAsync(Hash, name));

    private async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> operation)
    {
        try
        {
            return await operation(redis.Database);
        }
        catch (Exception error) when (RedisConnection.IsOutage(error))
        {
            throw new KeyStoreUnavailableException("The deployment store (Redis) is unreachable.", error);
        }
    }
}
