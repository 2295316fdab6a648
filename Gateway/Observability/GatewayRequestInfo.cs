namespace Gateway.Observability;

/// <summary>Facts about one request gathered along the pipeline for the access log and metrics.</summary>
public sealed class GatewayRequestInfo
{
    public string? KeyName { get; set; }
    public string? Model { get; set; }
    public string? Replica { get; set; }
    public int Attempts { get; set; }
}
