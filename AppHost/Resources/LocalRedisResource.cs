namespace AppHost.Resources;

/// <summary>
/// Redis as the OS's <c>redis-server</c> process, for machines without a container runtime. Its connection string has
/// the shape of Aspire's Redis container resource (<c>host:port,password=...</c>), so services cannot tell the two apart.
/// </summary>
public sealed class LocalRedisResource(string name, ParameterResource password)
    : ExecutableResource(name, "redis-server", Environment.CurrentDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}");
}
