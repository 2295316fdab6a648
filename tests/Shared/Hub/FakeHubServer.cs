using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tests.Shared;

/// <summary>
/// A local Hugging Face hub on 127.0.0.1 speaking the protocol huggingface_hub uses, plus a separate
/// "CDN" server (another port, so another origin) for LFS files:
/// <list type="bullet">
/// <item>GET /api/models/{org}/{name}/revision/{rev}[?blobs=true] → {"id","sha","siblings":[{"rfilename",("size","blobId","lfs":{"sha256","size","pointerSize"})}]}</item>
/// <item>HEAD/GET /{org}/{name}/resolve/{rev}/{path}: plain files 200 with ETag = git blob sha1; LFS files 302 to the CDN with
///   X-Linked-Etag = sha256 and X-Linked-Size (ETag is the pointer's sha1); always X-Repo-Commit</item>
/// <item>CDN GET /lfs/{sha256} with Range support</item>
/// <item>errors like the hub: 401/403 with X-Error-Code GatedRepo, 404 with RepoNotFound / RevisionNotFound / EntryNotFound</item>
/// </list>
/// </summary>
public sealed class FakeHubServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HubRepository> _repositories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _alreadyCut = new();
    private WebApplication? _hub, _cdn;

    private FakeHubServer()
    {
        Stories = HubRepository.Stories260K();
        _repositories[Stories.Id] = Stories;
    }

    public HubRepository Stories { get; }
    public HubSwitches Switches { get; } = new();
    public HubRequestLog Log { get; } = new();
    public Uri Endpoint { get; private set; } = null!;
    public Uri CdnEndpoint { get; private set; } = null!;

    public static async Task<FakeHubServer> StartAsync()
    {
        var server = new FakeHubServer();
        (server._cdn, server.CdnEndpoint) = await StartAppAsync("cdn", server.Log,
            app => app.MapMethods("/lfs/{sha256}", ["GET", "HEAD"], server.ServeCdnAsync));
        (server._hub, server.Endpoint) = await StartAppAsync("hub", server.Log, app =>
        {
            app.MapGet("/api/models/{org}/{name}/revision/{revision}", server.ServeRevisionAsync);
            app.MapMethods("/{org}/{name}/resolve/{revision}/{**path}", ["GET", "HEAD"], server.ServeResolveAsync);
        });
        return server;
    }

    /// <summary>Serves <paramref name="repository"/> too (beside karpathy/stories260K).</summary>
    public HubRepository Add(HubRepository repository) => _repositories[repository.Id] = repository;

    /// <summary>Back to a well-behaved hub with an empty request log (between tests sharing one hub).</summary>
    public void Reset()
    {
        Switches.Reset();
        _alreadyCut.Clear();
        Log.Clear();
    }

    /// <summary>An address where nothing listens: a hub that is down.</summary>
    public static Uri DeadEndpoint() => new($"http://127.0.0.1:{FreePort.Next()}");

    private async Task ServeRevisionAsync(HttpContext context, string org, string name, string revision)
    {
        if (Switches.TakeSlow()) await Task.Delay(Switches.SlowDelay, context.RequestAborted);   // a slow hub is the test's subject
        if (Switches.TakeFailure())
        {
            await ErrorAsync(context, 503, null, "Service temporarily unavailable");
            return;
        }
        if (await RepositoryOrErrorAsync(context, org, name) is not { } repo) return;
        if (repo.ResolveCommit(revision) is not { } commit)
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        var blobs = context.Request.Query["blobs"] == "true";
        var siblings = repo.FilesAt(commit).Select(f => blobs
            ? new Dictionary<string, object?>
            {
                ["rfilename"] = f.Path,
                ["size"] = f.Content.Length,
                ["blobId"] = f.IsLfs ? f.PointerGitSha1 : f.GitSha1,
                ["lfs"] = f.IsLfs ? new { sha256 = f.Sha256, size = f.Content.Length, pointerSize = f.LfsPointer.Length } : null,
            }
            : new Dictionary<string, object?> { ["rfilename"] = f.Path });
        await context.Response.WriteAsJsonAsync(new
        {
            _id = "fake" + commit[..20],
            id = repo.Id,
            modelId = repo.Id,
            sha = commit,
            @private = false,
            gated = Switches.RequiredToken is null ? (object)false : "manual",
            siblings = siblings.Select(s => s.Where(p => p.Value is not null).ToDictionary()),
        });
    }

    private async Task ServeResolveAsync(HttpContext context, string org, string name, string revision, string path)
    {
        if (await RepositoryOrErrorAsync(context, org, name) is not { } repo) return;
        if (repo.ResolveCommit(revision) is not { } commit)
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }
        context.Response.Headers[HubHeaderNames.RepoCommit] = commit;
        if (repo.FilesAt(commit).FirstOrDefault(f => f.Path == path) is not { } file)
        {
            await ErrorAsync(context, 404, "EntryNotFound", $"{path} does not exist at {commit}");
            return;
        }
        if (!file.IsLfs)
        {
            context.Response.Headers.ETag = $"\"{Switches.PlainEtag ?? file.GitSha1}\"";
            await FileResponder.SendAsync(context, file, Switches, cutThisOne: false);
            return;
        }
        context.Response.Headers[HubHeaderNames.LinkedEtag] = $"\"{file.Sha256}\"";
        if (!Switches.OmitLinkedSize) context.Response.Headers[HubHeaderNames.LinkedSize] = file.Content.Length.ToString();
        context.Response.Headers.ETag = $"\"{file.PointerGitSha1}\"";
        if (Switches.UseCdn)
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = new Uri(CdnEndpoint, $"lfs/{file.Sha256}?repo={Uri.EscapeDataString(repo.Id)}").ToString();
            return;
        }
        await FileResponder.SendAsync(context, file, Switches, CutOnce(file));
    }

    private async Task ServeCdnAsync(HttpContext context, string sha256)
    {
        // The CDN serves content-addressed blobs and knows nothing of tokens (real CDN links are signed).
        if (_repositories.Values.SelectMany(r => r.AllFiles).FirstOrDefault(f => f.IsLfs && f.Sha256 == sha256) is not { } file)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.Headers.ETag = $"\"{file.Sha256}\"";
        await FileResponder.SendAsync(context, file, Switches, HttpMethods.IsGet(context.Request.Method) && CutOnce(file));
    }

    private bool CutOnce(HubFile file) => Switches.CutAfterBytes > 0 && _alreadyCut.TryAdd(file.Sha256, true);

    /// <summary>The repository, or null after answering 404 (unknown) or 401/403 (gated, as the hub does).</summary>
    private async Task<HubRepository?> RepositoryOrErrorAsync(HttpContext context, string org, string name)
    {
        var id = $"{org}/{name}";
        if (!_repositories.TryGetValue(id, out var repo))
        {
            await ErrorAsync(context, 404, "RepoNotFound", "Repository not found");
            return null;
        }
        if (Switches.RequiredToken is not { } token) return repo;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization))
        {
            await ErrorAsync(context, 401, "GatedRepo",
                $"Access to model {id} is restricted. You must have access to it and be authenticated to access it. Please log in.");
            return null;
        }
        if (authorization != $"Bearer {token}")
        {
            await ErrorAsync(context, 403, "GatedRepo",
                $"Access to model {id} is restricted and you are not in the authorized list. Visit {Endpoint}{id} to ask for access.");
            return null;
        }
        return repo;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string? code, string message)
    {
        context.Response.StatusCode = status;
        if (code is not null) context.Response.Headers[HubHeaderNames.ErrorCode] = code;
        context.Response.Headers[HubHeaderNames.ErrorMessage] = message;
        if (!HttpMethods.IsHead(context.Request.Method)) await context.Response.WriteAsJsonAsync(new { error = message });
    }

    private static async Task<(WebApplication App, Uri Endpoint)> StartAppAsync(string server, HubRequestLog log, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // Logged on arrival and given its status before the headers leave: whatever a client has seen is in the log.
            var request = new RecordedRequest(server, context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null,
                context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null);
            log.Add(request);
            context.Response.OnStarting(() =>
            {
                request.Status = context.Response.StatusCode;
                return Task.CompletedTask;
            });
            try
            {
                await next();
            }
            finally
            {
                if (request.Status == 0) request.Status = context.Response.StatusCode;
            }
        });
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _hub, _cdn }.OfType<WebApplication>())
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
