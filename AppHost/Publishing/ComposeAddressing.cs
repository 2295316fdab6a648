using System.Text.Json.Nodes;

namespace AppHost.Publishing;

/// <summary>Compose: parameters are variables of the .env file; services reach each other's containers directly, by
/// service name, on the port the container listens on.</summary>
public sealed class ComposeAddressing : ServiceAddressing
{
    public override string Parameter(ManifestParameter parameter) => $"${{{parameter.VariableName}}}";

    public override string Host(string resource) => resource;

    public override int Port(JsonNode binding, int targetPort) => targetPort;
}
