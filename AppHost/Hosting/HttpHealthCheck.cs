using System.Net;

namespace AppHost.Hosting;

/// <summary>Healthy when GET <see cref="Path"/> on the resource's http endpoint answers 200 (Aspire's WithHttpHealthCheck).</summary>
public sealed class HttpHealthCheck(string path, string endpointName = "http") : IResourceHealthCheck
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    public string Path { get; } = path;

    public string EndpointName { get; } = endpointName;

    public async Task<bool> IsHealthyAsync(Resource resource, int replica, CancellationToken cancel)
    {
        var url = new Uri(new Uri(resource.GetEndpoint(EndpointName).Url(replica)), Path);
        try
        {
            using var response = await Http.GetAsync(url, cancel);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // Not listening (yet).
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            return false; // This probe timed out.
        }
    }
}
