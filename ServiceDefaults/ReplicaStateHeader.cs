namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>X-Replica-State</c>: on a 503 from an inference replica, says that the replica did nothing with the request because it
/// does not serve right now (<see cref="Loading"/> its model, <see cref="Failed"/> to load it, <see cref="Draining"/> before
/// it exits), so another replica may take it. The gateway retries such a request elsewhere and keeps the replica out of
/// rotation until its /health answers 200 again.
/// </summary>
public static class ReplicaStateHeader
{
    public const string Name = "X-Replica-State";

    public const string Loading = "loading";
    public const string Failed = "failed";
    public const string Draining = "draining";
}
