namespace AdminDashboard.Clients;

/// <summary>A deployment as the gateway's GET /admin/deployments shows it: deploying, ready, failed or undeploying, and
/// the model's state on each of its replicas.</summary>
public sealed record Deployment(string Name, string State, List<DeploymentReplica> Replicas);

/// <summary>pending, pulling, loading, ready, draining, failed (with the error), unreachable.</summary>
public sealed record DeploymentReplica(string Id, string State, DeploymentError? Error, long MemoryBytes);

public sealed record DeploymentError(string Message, string? Code);

/// <summary>A replica as GET /admin/replicas lists it (its models are shown by the replicas panel).</summary>
public sealed record ReplicaInfo(string Id, string Address, bool Reachable);

/// <summary>What the Deploy form sends: the replicas' load fields and where (a count, or named replicas).</summary>
public sealed record DeployRequest(string Model, string? ServedModelName, int? Replicas, IReadOnlyList<string>? ReplicaIds, string? Dtype, int? MaxModelLen,
    string? ChatTemplate = null, string? Quantization = null);
