namespace Gateway.Routing;

/// <summary>One inference replica: its YARP destination id ("inference-0", ...) and base URL.</summary>
public sealed record Replica(string Id, Uri Address);
