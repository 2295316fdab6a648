using Gateway.Configuration;
using Gateway.Errors;
using Gateway.Keys;

namespace Gateway.Admin;

/// <summary>
/// The admin API: POST /admin/keys (create; the key is shown once), GET /admin/keys (list),
/// GET /admin/keys/{id}, DELETE /admin/keys/{id} (revoke; the record stays, marked revoked).
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdminEndpoints(this WebApplication app)
    {
        var keys = app.MapGroup("/admin/keys");   // guarded by AdminRoutesMiddleware
        keys.MapPost("", CreateAsync);
        keys.MapGet("", ListAsync);
        keys.MapGet("{id}", GetAsync);
        keys.MapDelete("{id}", RevokeAsync);
    }

    private static async Task CreateAsync(HttpContext context, IApiKeyStore store, GatewayOptions options)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var (request, error, param) = CreateKeyRequest.Parse(body.GetBuffer().AsSpan(0, (int)body.Length));
        if (request is null)
        {
            await OpenAiError.BadRequestAsync(context, error!, param);
            return;
        }
        var key = ApiKeySecret.Generate();
        var record = new ApiKeyRecord(ApiKeySecret.NewId(), request.Name, ApiKeySecret.Hash(key), DateTimeOffset.UtcNow,
            request.RequestsPerMinute, request.TokensPerMinute, Revoked: false, request.MinPriority);
        await WithStoreAsync(context, async () =>
        {
            await store.CreateAsync(record);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(ApiKeyView.Of(record, key));
        });
    }

    private static Task ListAsync(HttpContext context, IApiKeyStore store) => WithStoreAsync(context, async () =>
    {
        var records = await store.ListAsync();
        await context.Response.WriteAsJsonAsync(new { @object = "list", data = records.Select(r => ApiKeyView.Of(r)) });
    });

    private static Task GetAsync(HttpContext context, string id, IApiKeyStore store) => WithStoreAsync(context, async () =>
    {
        var record = await store.FindByIdAsync(id);
        if (record is null) await OpenAiError.NotFoundAsync(context, $"No API key with id '{id}'.", "key_not_found");
        else await context.Response.WriteAsJsonAsync(ApiKeyView.Of(record));
    });

    private static Task RevokeAsync(HttpContext context, string id, IApiKeyStore store, ApiKeyAuthenticator authenticator) =>
        WithStoreAsync(context, async () =>
        {
            var record = await store.RevokeAsync(id);
            if (record is null)
            {
                await OpenAiError.NotFoundAsync(context, $"No API key with id '{id}'.", "key_not_found");
                return;
            }
            authenticator.Revoked(record);
            await context.Response.WriteAsJsonAsync(ApiKeyView.Of(record));
        });

    private static async Task WithStoreAsync(HttpContext context, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (KeyStoreUnavailableException) when (!context.Response.HasStarted)
        {
            await OpenAiError.UnavailableAsync(context, "The key store (Redis) is unreachable; try again later.", "key_store_unavailable");
        }
    }
}
