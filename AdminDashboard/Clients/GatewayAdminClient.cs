using System.Net.Http.Headers;
using System.Net.Http.Json;
using AdminDashboard.Configuration;

namespace AdminDashboard.Clients;

/// <summary>An API key as the gateway's admin API shows it; <see cref="Key"/> (the secret) only in the answer to its creation.</summary>
public sealed record ApiKey(string Id, string Name, long CreatedAt, int? RequestsPerMinute, int? TokensPerMinute, bool Revoked, string? Key = null)
{
    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeSeconds(CreatedAt);
}

/// <summary>
/// The gateway's admin API with <c>Authorization: Bearer &lt;Dashboard:AdminKey&gt;</c>: POST /admin/keys
/// {"name","requests_per_minute"?,"tokens_per_minute"?} → 201 with the key once; GET /admin/keys → {"data":[...]};
/// DELETE /admin/keys/{id} → the revoked key (it stays listed). Limits: null = the gateway's default, 0 = unlimited.
/// And the deployments: GET /admin/replicas, GET/POST /admin/deployments, DELETE /admin/deployments/{name}.
/// </summary>
public sealed class GatewayAdminClient(ServiceHttp http, ServiceEndpoints endpoints, DashboardOptions options)
{
    public const string Service = "gateway";

    public bool IsConfigured => endpoints.GatewayUrl is not null;

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct) =>
        (await http.SendJsonAsync<KeyList>(Service, Admin(HttpMethod.Get, "admin/keys"), ct)).Data ?? [];

    public Task<ApiKey> CreateAsync(string name, int? requestsPerMinute, int? tokensPerMinute, CancellationToken ct)
    {
        var request = Admin(HttpMethod.Post, "admin/keys");
        request.Content = JsonContent.Create(new { name, requests_per_minute = requestsPerMinute, tokens_per_minute = tokensPerMinute });
        return http.SendJsonAsync<ApiKey>(Service, request, ct);
    }

    public Task<ApiKey> RevokeAsync(string id, CancellationToken ct) =>
        http.SendJsonAsync<ApiKey>(Service, Admin(HttpMethod.Delete, $"admin/keys/{Uri.EscapeDataString(id)}"), ct);

    public async Task<IReadOnlyList<Deployment>> ListDeploymentsAsync(CancellationToken ct) =>
        (await http.SendJsonAsync<ListOf<Deployment>>(Service, Admin(HttpMethod.Get, "admin/deployments"), ct)).Data ?? [];

    public async Task<IReadOnlyList<ReplicaInfo>> ListReplicasAsync(CancellationToken ct) =>
        (await http.SendJsonAsync<ListOf<ReplicaInfo>>(Service, Admin(HttpMethod.Get, "admin/replicas"), ct)).Data ?? [];

    /// <summary>Starts a deployment (the gateway answers at once; the loads run on the replicas).</summary>
    public Task<Deployment> DeployAsync(DeployRequest deploy, CancellationToken ct)
    {
        var body = new Dictionary<string, object> { ["model"] = deploy.Model };
        if (deploy.ServedModelName is { } name) body["served_model_name"] = name;
        if (deploy.ReplicaIds is { Count: > 0 } ids) body["replica_ids"] = ids;
        else if (deploy.Replicas is { } count) body["replicas"] = count;
        if (deploy.Dtype is { } dtype) body["dtype"] = dtype;
        if (deploy.MaxModelLen is { } length) body["max_model_len"] = length;
        if (deploy.ChatTemplate is { } template) body["chat_template"] = template;
        if (deploy.Quantization is { } quantization) body["quantization"] = quantization;
        var request = Admin(HttpMethod.Post, "admin/deployments");
        request.Content = JsonContent.Create(body);
        return http.SendJsonAsync<Deployment>(Service, request, ct);
    }

    public Task<Deployment> UndeployAsync(string name, CancellationToken ct) =>
        http.SendJsonAsync<Deployment>(Service, Admin(HttpMethod.Delete,
            "admin/deployments/" + string.Join('/', name.Split('/').Select(Uri.EscapeDataString))), ct);

    private HttpRequestMessage Admin(HttpMethod method, string path)
    {
        var baseUrl = endpoints.GatewayUrl ?? throw new ServiceException(Service, null, "not configured (services__gateway__http__0 is not set)");
        return new HttpRequestMessage(method, new Uri(baseUrl, path))
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey ?? "") },
        };
    }

    private sealed record KeyList(List<ApiKey>? Data);

    private sealed record ListOf<T>(List<T>? Data);
}
