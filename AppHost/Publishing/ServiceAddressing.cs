using System.Text.Json.Nodes;

namespace AppHost.Publishing;

/// <summary>How a deployment spells what manifest expressions point at: a parameter's value (the deployment's own
/// variable syntax), and the host and port where one service reaches another.</summary>
public abstract class ServiceAddressing
{
    /// <summary>A reference to the parameter's value inside a larger string (<c>${REDIS_PASSWORD}</c>, <c>$(REDIS_PASSWORD)</c>).</summary>
    public abstract string Parameter(ManifestParameter parameter);

    public abstract string Host(string resource);

    /// <summary>The port other services connect to, for a binding whose container listens on <paramref name="targetPort"/>.</summary>
    public abstract int Port(JsonNode binding, int targetPort);
}
