using Yarp.ReverseProxy.Model;

namespace Gateway.Routing;

/// <summary>
/// The replicas in the order a request's prompt prefix prefers them (an HttpContext feature): the replica the prefix is
/// assigned to, then the others by the prefix's <see cref="RendezvousOrder"/>. Replicas are named by their address, the
/// same in every gateway of a deployment.
/// </summary>
public sealed record ReplicaPreference(string[] Replicas)
{
    public static string NameOf(DestinationState destination) => destination.Model.Config.Address;

    public int RankOf(DestinationState destination)
    {
        var rank = Array.IndexOf(Replicas, NameOf(destination));
        return rank < 0 ? int.MaxValue : rank;
    }
}
