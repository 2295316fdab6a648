using System.Text.RegularExpressions;
using Gateway.Errors;
using Gateway.Keys;
using Gateway.Routing;

namespace Gateway.Deployments;

/// <summary>
/// The admin API for models across the replicas (needs Gateway:UpstreamAdminKey): GET /admin/replicas (each replica and
/// every model on it with its state and memory); POST /admin/deployments (serve a model on N replicas or on named ones:
/// 202, the loads run on the replicas, progress in GET); GET /admin/deployments[/{name}] (each deployment with its state
/// per replica); DELETE /admin/deployments/{name}?grace=30s (unload it everywhere, running requests finishing within the
/// grace period). The desired state survives gateway and replica restarts (Redis when configured).
/// </summary>
public static partial class DeploymentEndpoints
{
    public static void MapDeploymentEndpoints(this WebApplication app)
    {
        app.MapGet("/admin/replicas", (HttpContext context, ModelCatalog catalog, ReplicaAdminClient admin) =>
            WhenEnabledAsync(context, admin, () => context.Response.WriteAsJsonAsync(new
            {
                @object = "list",
                data = catalog.Replicas.Select(r => new
                {
                    id = r.Id,
                    address = r.Address.ToString(),
                    reachable = catalog.IsReachable(r.Id),
                    models = catalog.StatesOf(r.Id)?.Select(s => s.Entry) ?? [],
                }),
            })));
        var deployments = app.MapGroup("/admin/deployments");   // guarded by AdminRoutesMiddleware
        deployments.MapPost("", CreateAsync);
        deployments.MapGet("", (HttpContext context, IDeploymentStore store, ModelCatalog catalog, DeploymentReconciler reconciler, ReplicaAdminClient admin) =>
            WhenEnabledAsync(context, admin, () => WithStoreAsync(context, async () =>
            {
                var list = await store.ListAsync();
                await context.Response.WriteAsJsonAsync(new { @object = "list", data = list.Select(d => DeploymentView.Of(d, catalog, reconciler)) });
            })));
        // Catch-alls: a deployment's name may be a repo id (org/name).
        deployments.MapGet("{**name}", (HttpContext context, string name, IDeploymentStore store, ModelCatalog catalog, DeploymentReconciler reconciler, ReplicaAdminClient admin) =>
            WhenEnabledAsync(context, admin, () => WithStoreAsync(context, async () =>
            {
                if (await FindAsync(store, name) is not { } deployment) await NotFoundAsync(context, name);
                else await context.Response.WriteAsJsonAsync(DeploymentView.Of(deployment, catalog, reconciler));
            })));
        deployments.MapDelete("{**name}", DeleteAsync);
    }

    private static Task CreateAsync(HttpContext context, IDeploymentStore store, ModelCatalog catalog, DeploymentReconciler reconciler,
        ReplicaAdminClient admin, TimeProvider time) => WhenEnabledAsync(context, admin, () => WithStoreAsync(context, async () =>
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var (request, error, param) = DeploymentRequest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (request is null)
        {
            await OpenAiError.BadRequestAsync(context, error!, param);
            return;
        }
        var (targets, refusal, code, refused) = DeploymentPlacement.Choose(request, catalog);
        if (targets is null)
        {
            await OpenAiError.BadRequestAsync(context, refusal!, refused, code);
            return;
        }
        var deployment = new Deployment(request.Name, request.Spec, targets, time.GetUtcNow());
        if (!await store.AddAsync(deployment))
        {
            // The same deployment asked for again (two operators, a retried click) joins the one that exists.
            var existing = await FindAsync(store, request.Name);
            if (existing is { Undeploying: false } && existing.Spec.ToJsonString() == request.Spec.ToJsonString()
                && (request.ReplicaIds is null ? existing.Replicas.Length == request.Count : existing.Replicas.Order().SequenceEqual(request.ReplicaIds.Order())))
            {
                await context.Response.WriteAsJsonAsync(DeploymentView.Of(existing, catalog, reconciler, joined: true));
                return;
            }
            await OpenAiError.WriteAsync(context, StatusCodes.Status409Conflict,
                existing is { Undeploying: true }
                    ? $"The deployment '{request.Name}' is being undeployed; deploy it again once it is gone."
                    : $"A deployment named '{request.Name}' exists with other settings; undeploy it first (DELETE /admin/deployments/{request.Name}).",
                OpenAiError.InvalidRequest, "deployment_exists", "served_model_name");
            return;
        }
        await reconciler.ReconcileAsync(context.RequestAborted);
        await catalog.RefreshAsync(context.RequestAborted);
        // A load every target refused at once (a field it does not take, a model too large for its memory) is the
        // request's error: the deployment is taken back and nothing else changes.
        var refusals = targets.Select(id => reconciler.FailureOf(request.Name, id)).ToList();
        if (refusals.All(f => f is { Load: null }))
        {
            await store.RemoveAsync(request.Name);
            var first = refusals[0]!;
            await OpenAiError.WriteAsync(context, first.Status is 409 ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest,
                $"The replicas refused the model: {first.Message}", OpenAiError.InvalidRequest, first.Code ?? "load_refused");
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(DeploymentView.Of(deployment, catalog, reconciler));
    }));

    private static Task DeleteAsync(HttpContext context, string name, IDeploymentStore store, ModelCatalog catalog, DeploymentReconciler reconciler,
        ReplicaAdminClient admin) => WhenEnabledAsync(context, admin, () => WithStoreAsync(context, async () =>
    {
        string? grace = context.Request.Query["grace"] is { Count: > 0 } text ? text.ToString() : null;
        if (grace is not null && !IsDuration(grace))
        {
            await OpenAiError.BadRequestAsync(context, "'grace' must be a duration such as 30s, 5m, 1h30m or a number of seconds.", "grace");
            return;
        }
        if (await FindAsync(store, name) is not { } deployment)
        {
            await NotFoundAsync(context, name);
            return;
        }
        var undeploying = deployment with { Undeploying = true, Grace = grace };
        await store.ReplaceAsync(undeploying);
        await reconciler.ReconcileAsync(context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(DeploymentView.Of(undeploying, catalog, reconciler));
    }));

    /// <summary>A duration as the replicas take it (30s, 5m, 1h30m, 250ms, or seconds), not negative.</summary>
    private static bool IsDuration(string text) => Duration().IsMatch(text);

    [GeneratedRegex(@"^(?:[0-9]*\.?[0-9]+|(?:[0-9]*\.?[0-9]+(?:ms|s|m|h))+)$")]
    private static partial Regex Duration();

    private static async Task<Deployment?> FindAsync(IDeploymentStore store, string name) =>
        (await store.ListAsync()).FirstOrDefault(d => d.Name == name);

    private static Task NotFoundAsync(HttpContext context, string name) =>
        OpenAiError.NotFoundAsync(context, $"No deployment named '{name}' (GET /admin/deployments lists them).", "deployment_not_found");

    private static Task WhenEnabledAsync(HttpContext context, ReplicaAdminClient admin, Func<Task> action) => admin.Enabled
        ? action()
        : OpenAiError.WriteAsync(context, StatusCodes.Status403Forbidden,
            "Deployments are disabled: set Gateway__UpstreamAdminKey to the replicas' --admin-key.", OpenAiError.InvalidRequest, "deployments_disabled");

    private static async Task WithStoreAsync(HttpContext context, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (KeyStoreUnavailableException) when (!context.Response.HasStarted)
        {
            await OpenAiError.UnavailableAsync(context, "The deployment store (Redis) is unreachable; try again later.", "deployment_store_unavailable");
        }
    }
}
