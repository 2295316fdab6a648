using System.Text.Json.Nodes;

namespace Gateway.Deployments;

/// <summary>
/// A model the operator wants served: its name (the served model name), the load fields sent to each replica's
/// POST /admin/models, and the replicas that must serve it (chosen once, when deployed). Undeploying marks it until
/// no replica holds the model any more, each replica letting running requests finish within <see cref="Grace"/>
/// (a duration such as 30s; null: the replica's default).
/// </summary>
public sealed record Deployment(string Name, JsonObject Spec, string[] Replicas, DateTimeOffset Created, bool Undeploying = false, string? Grace = null);
