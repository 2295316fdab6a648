using System.Net;

namespace AppHost.Hosting;

/// <summary>Polls a resource's /health until it answers 200.</summary>
public static class HealthProbe
{
    public const string Path = "/health";

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>True once GET <paramref name="baseUrl"/>/health answers 200; false on timeout or when the process is gone.</summary>
    public static async Task<bool> WaitAsync(Uri baseUrl, TimeSpan timeout, Func<bool> hasExited, CancellationToken cancel)
    {
        var url = new Uri(baseUrl, Path);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !hasExited())
        {
            try
            {
                using var response = await Http.GetAsync(url, cancel);
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
            {
                // This probe timed out; try again.
            }
            await Task.Delay(250, cancel);
        }
        return false;
    }
}
