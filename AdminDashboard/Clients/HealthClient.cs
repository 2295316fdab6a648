using System.Diagnostics;
using AdminDashboard.Configuration;

namespace AdminDashboard.Clients;

/// <summary>Reads a service's /health: the HealthChecks UI document whatever the status code (503 carries one too); with
/// <c>bearer</c>, as the key that sees the checks' details.</summary>
public sealed class HealthClient(ServiceHttp http, DashboardOptions options)
{
    public async Task<(HealthReport Report, TimeSpan Latency)> CheckAsync(Uri baseUrl, CancellationToken ct, string? bearer = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "health"));
            if (!string.IsNullOrEmpty(bearer)) request.Headers.Authorization = new("Bearer", bearer);
            using var response = await http.Client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return (HealthReport.Parse(body, (int)response.StatusCode), Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var message = e is OperationCanceledException ? $"no answer within {options.RequestTimeout.TotalSeconds:0.#} s" : e.Message;
            return (HealthReport.Failed(message), Stopwatch.GetElapsedTime(started));
        }
    }
}
