using System.Net;
using System.Security.Cryptography;
using System.Text;
using AdminDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AdminDashboard.Tests.FakeHub;

/// <summary>
/// A fake Hugging Face hub on 127.0.0.1 serving one repository, karpathy/stories260K (the files of
/// ../shared/testdata/models/stories260K at branch "main"), with the protocol ModelCacheService speaks:
/// GET /api/models/{org}/{name}/revision/{rev}?blobs=true (commit and siblings), HEAD and GET
/// /{org}/{name}/resolve/{rev}/{path} (X-Repo-Commit, ETag, X-Linked-Etag and X-Linked-Size for LFS files, Range).
/// LFS bodies are sent at <see cref="ThrottleBytesPerSecond"/> so a pull takes long enough to watch its progress.
/// </summary>
public sealed class FakeHubServer : IAsyncDisposable
{
    public const string RepoId = "karpathy/stories260K";

    private readonly WebApplication _app;
    private readonly IReadOnlyList<HubFile> _files;
    private readonly string _commit;

    /// <summary>Bytes per second of LFS file bodies; 0 = full speed.</summary>
    public volatile int ThrottleBytesPerSecond;

    public Uri Endpoint { get; private set; } = null!;

    private FakeHubServer(WebApplication app, IReadOnlyList<HubFile> files)
    {
        _app = app;
        _files = files;
        var listing = RepoId + "\n" + string.Concat(files.Select(f => $"{f.Path} {f.Etag}\n"));
        _commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(listing)));
    }

    public long TotalBytes => _files.Sum(f => (long)f.Content.Length);

    public static async Task<FakeHubServer> StartAsync(int throttleBytesPerSecond)
    {
        var files = Directory.GetFiles(TestData.Stories260K)
            .Where(path => Path.GetFileName(path) != "reference-greedy.json")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => new HubFile(Path.GetFileName(path), File.ReadAllBytes(path)))
            .ToList();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hub = new FakeHubServer(app, files) { ThrottleBytesPerSecond = throttleBytesPerSecond };
        app.MapGet("/api/models/{org}/{name}/revision/{revision}", hub.RevisionAsync);
        app.MapMethods("/{org}/{name}/resolve/{revision}/{**path}", ["GET", "HEAD"], hub.ResolveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.Endpoint = new Uri(address.TrimEnd('/') + "/");
        return hub;
    }

    private bool Known(string org, string name, string revision) => $"{org}/{name}" == RepoId && (revision == "main" || revision == _commit);

    private async Task RevisionAsync(HttpContext context, string org, string name, string revision)
    {
        if (!Known(org, name, revision))
        {
            await NotFoundAsync(context, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        await context.Response.WriteAsJsonAsync(new
        {
            id = RepoId,
            sha = _commit,
            siblings = _files.Select(f => new
            {
                rfilename = f.Path,
                size = f.Content.Length,
                blobId = f.GitSha1,
                lfs = f.IsLfs ? new { sha256 = f.Sha256, size = f.Content.Length } : null,
            }),
        });
    }

    private async Task ResolveAsync(HttpContext context, string org, string name, string revision, string path)
    {
        var file = _files.FirstOrDefault(f => f.Path == path);
        if (!Known(org, name, revision) || file is null)
        {
            await NotFoundAsync(context, "EntryNotFound", $"{path} does not exist on {revision}");
            return;
        }
        var response = context.Response;
        response.Headers["X-Repo-Commit"] = _commit;
        response.Headers.ETag = $"\"{(file.IsLfs ? HubFile.GitBlobSha1(Encoding.UTF8.GetBytes(LfsPointer(file))) : file.GitSha1)}\"";
        if (file.IsLfs)
        {
            response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            response.Headers["X-Linked-Size"] = file.Content.Length.ToString();
        }
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = "application/octet-stream";

        var from = 0L;
        if (context.Request.Headers.Range.ToString() is { Length: > 6 } range && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            var spec = range[6..].Split('-')[0];
            if (long.TryParse(spec, out var start) && start < file.Content.Length)
            {
                from = start;
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {from}-{file.Content.Length - 1}/{file.Content.Length}";
            }
        }
        response.ContentLength = file.Content.Length - from;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await SendAsync(context, file.Content.AsMemory((int)from), file.IsLfs ? ThrottleBytesPerSecond : 0);
    }

    private static async Task SendAsync(HttpContext context, ReadOnlyMemory<byte> body, int bytesPerSecond)
    {
        const int Chunk = 16 * 1024;
        var started = DateTime.UtcNow;
        var sent = 0;
        while (sent < body.Length)
        {
            var count = Math.Min(Chunk, body.Length - sent);
            await context.Response.Body.WriteAsync(body.Slice(sent, count), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            sent += count;
            if (bytesPerSecond <= 0) continue;
            var due = started + TimeSpan.FromSeconds((double)sent / bytesPerSecond);
            var wait = due - DateTime.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, context.RequestAborted);
        }
    }

    private static string LfsPointer(HubFile file) =>
        $"version https://git-lfs.github.com/spec/v1\noid sha256:{file.Sha256}\nsize {file.Content.Length}\n";

    private static async Task NotFoundAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = (int)HttpStatusCode.NotFound;
        context.Response.Headers["X-Error-Code"] = code;
        context.Response.Headers["X-Error-Message"] = message;
        await context.Response.WriteAsJsonAsync(new { error = message });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
