using System.Net.Http.Headers;
using AdminDashboard.Configuration;

namespace AdminDashboard.Clients;

/// <summary>A model an inference replica serves (its GET /v1/models entry).</summary>
public sealed record ServedModel(string Id, int? MaxModelLen);

/// <summary>Reads what an inference replica serves: GET /v1/models (OpenAI list; vLLM's max_model_len), with the replicas' API
/// key when they have one.</summary>
public sealed class InferenceClient(ServiceHttp http, DashboardOptions options)
{
    public async Task<IReadOnlyList<ServedModel>> ModelsAsync(string replica, Uri baseUrl, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "v1/models"));
        if (!string.IsNullOrEmpty(options.InferenceApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.InferenceApiKey);
        var list = await http.SendJsonAsync<ModelList>(replica, request, ct);
        return (list.Data ?? []).Where(m => !string.IsNullOrEmpty(m.Id)).Select(m => new ServedModel(m.Id!, m.MaxModelLen)).ToList();
    }

    private sealed record ModelList(List<ModelEntry>? Data);

    private sealed record ModelEntry(string? Id, int? MaxModelLen);
}
