using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ModelCacheService.Configuration;
using ModelCacheService.Pulls;
using Polly.Timeout;

namespace ModelCacheService.Hub;

/// <summary>
/// The hub protocol huggingface_hub speaks: resolve a revision to a commit and file list, read a file's
/// metadata with HEAD (without following the CDN redirect, so X-Linked-* are visible), and open a file
/// for download, following redirects, resuming with Range. Retries of timeouts and 5xx happen in the
/// HttpClient's Polly pipeline (see <see cref="HubHttpClientRegistration"/>); 401/403/404 are final.
/// </summary>
public sealed class HubClient(HttpClient http, HubSettings settings)
{
    private const int MaxRedirects = 5;

    public async Task<RepoRevision> GetRevisionAsync(RepoId repo, string revision, CancellationToken ct)
    {
        var url = HubUrls.Revision(settings.Endpoint, repo, revision);
        using var response = await SendAsync(HttpMethod.Get, url, repo, offset: 0, HttpCompletionOption.ResponseContentRead, ct);
        if (!response.IsSuccessStatusCode)
            throw await HubErrors.FromResponseAsync(response, settings.Endpoint, repo, revision, null, settings.Token is not null, ct);

        RevisionInfoJson? info;
        try
        {
            info = await response.Content.ReadFromJsonAsync<RevisionInfoJson>(ct);
        }
        catch (JsonException e)
        {
            throw HubErrors.BadAnswer(repo, $"the revision API returned invalid JSON ({e.Message})");
        }
        if (info?.Sha is not { } commit || !RevisionName.IsCommitHash(commit))
            throw HubErrors.BadAnswer(repo, "the revision API gave no 40-digit commit sha");
        if (info.Siblings is null)
            throw HubErrors.BadAnswer(repo, "the revision API gave no file list (siblings)");

        var files = new List<RepoFile>();
        foreach (var sibling in info.Siblings)
        {
            if (sibling.Rfilename is not { } path || !RepoFile.IsSafePath(path))
                throw HubErrors.BadAnswer(repo, $"the file name '{sibling.Rfilename}' is not a safe relative path");
            files.Add(new RepoFile(path, sibling.Lfs?.Size ?? sibling.Size, sibling.Lfs?.Sha256?.ToLowerInvariant()));
        }
        return new RepoRevision(repo, revision, commit, files);
    }

    /// <summary>
    /// HEAD resolve/{commit}/{path}: relative redirects (a renamed repository) are followed, an absolute one
    /// (the CDN) is not: its address becomes the download location and its X-Linked-* headers describe the file.
    /// </summary>
    public async Task<FileMetadata> GetFileMetadataAsync(RepoId repo, string commit, string path, CancellationToken ct)
    {
        var url = HubUrls.Resolve(settings.Endpoint, repo, commit, path);
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var response = await SendAsync(HttpMethod.Head, url, repo, offset: 0, HttpCompletionOption.ResponseHeadersRead, ct);
            var location = IsRedirect(response.StatusCode) ? response.Headers.Location : null;
            if (location is { IsAbsoluteUri: false })
            {
                url = new Uri(url, location);
                continue;
            }
            if (location is null && !response.IsSuccessStatusCode)
                throw await HubErrors.FromResponseAsync(response, settings.Endpoint, repo, commit, path, settings.Token is not null, ct);

            var etag = EtagHeader.Normalize(Header(response, HubHeaders.LinkedEtag) ?? Header(response, "ETag"))
                ?? throw HubErrors.BadAnswer(repo, $"no ETag for '{path}', so its blob cannot be named");
            var size = long.TryParse(Header(response, HubHeaders.LinkedSize), out var linkedSize)
                ? linkedSize
                : location is null ? response.Content.Headers.ContentLength : null;
            return new FileMetadata(Header(response, HubHeaders.RepoCommit), etag, size, location ?? url);
        }
        throw HubErrors.BadAnswer(repo, $"more than {MaxRedirects} redirects for '{path}'");
    }

    /// <summary>
    /// GET <paramref name="location"/> from byte <paramref name="offset"/> on, following redirects. The caller
    /// owns the response (headers read, body not yet): 200 is the whole file, 206 the rest from the offset.
    /// </summary>
    public async Task<HttpResponseMessage> OpenDownloadAsync(RepoId repo, string commit, string path, Uri location, long offset, CancellationToken ct)
    {
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            var response = await SendAsync(HttpMethod.Get, location, repo, offset, HttpCompletionOption.ResponseHeadersRead, ct);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } next)
            {
                response.Dispose();
                location = new Uri(location, next);
                continue;
            }
            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
            using (response)
                throw await HubErrors.FromResponseAsync(response, settings.Endpoint, repo, commit, path,
                    settings.Token is not null && HubUrls.IsOnHub(settings.Endpoint, location), ct);
        }
        throw HubErrors.BadAnswer(repo, $"more than {MaxRedirects} redirects for '{path}'");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, RepoId repo, long offset, HttpCompletionOption completion, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        // The token goes to the hub only, never to a CDN it redirects to (as huggingface_hub does).
        if (settings.Token is not null && HubUrls.IsOnHub(settings.Endpoint, url))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        // Sizes and hashes are of the stored bytes: ask for them uncompressed.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        try
        {
            return await http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            throw HubErrors.Unreachable(settings.Endpoint, repo, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw HubErrors.Unreachable(settings.Endpoint, repo, e);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and <= 399;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;
}
