namespace AdminDashboard.Clients;

/// <summary>A model an inference replica serves (its GET /v1/models entry).</summary>
public sealed record ServedModel(string Id, int? MaxModelLen);

/// <summary>Reads what an inference replica serves: GET /v1/models (OpenAI list; vLLM's max_model_len).</summary>
public sealed class InferenceClient(ServiceHttp http)
{
    public async Task<IReadOnlyList<ServedModel>> ModelsAsync(string replica, Uri baseUrl, CancellationToken ct)
    {
        var list = await http.GetJsonAsync<ModelList>(replica, new Uri(baseUrl, "v1/models"), ct);
        return (list.Data ?? []).Where(m => !string.IsNullOrEmpty(m.Id)).Select(m => new ServedModel(m.Id!, m.MaxModelLen)).ToList();
    }

    private sealed record ModelList(List<ModelEntry>? Data);

    private sealed record ModelEntry(string? Id, int? MaxModelLen);
}
