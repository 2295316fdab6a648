using System.Diagnostics.Metrics;

namespace Gateway.Observability;

/// <summary>The gateway's own instruments (meter "Gateway", exported by the service defaults).</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Gateway";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _tokens;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Requests answered, by route, status and key name");
        _upstreamDuration = meter.CreateHistogram<double>("gateway.upstream.duration", "s",
            "Time from sending a request to a replica until its response was complete");
        _tokens = meter.CreateCounter<long>("gateway.tokens", "{token}", "Tokens reported in response usage, by key name and kind");
    }

    public void Request(string route, int status, string? keyName) =>
        _requests.Add(1, new("route", route), new("status", status), new("key", keyName ?? "-"));

    public void Upstream(string route, string replica, int status, TimeSpan duration) =>
        _upstreamDuration.Record(duration.TotalSeconds, new("route", route), new("replica", replica), new("status", status));

    public void Tokens(string? keyName, long prompt, long completion)
    {
        _tokens.Add(prompt, new("key", keyName ?? "-"), new("kind", "prompt"));
        _tokens.Add(completion, new("key", keyName ?? "-"), new("kind", "completion"));
    }
}
