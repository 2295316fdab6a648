using InferenceService.Api;

namespace InferenceService.Hosting;

/// <summary>
/// The replica's admin surface (/admin/*, and vLLM's runtime adapter paths /v1/load_lora_adapter and
/// /v1/unload_lora_adapter) sits behind <c>--admin-key</c> (Engine:AdminKey): <c>Authorization: Bearer &lt;admin key&gt;</c>,
/// else 401 as for --api-key. Without an admin key the surface is off (403), so a replica never offers it unprotected.
/// The API key does not open it, and it does not need the API key: one Authorization header carries one key.
/// </summary>
public static class AdminAccess
{
    public static bool Contains(PathString path) =>
        path.StartsWithSegments("/admin") || path.StartsWithSegments("/v1/load_lora_adapter") || path.StartsWithSegments("/v1/unload_lora_adapter");

    public static void UseAdminKey(this WebApplication app, string? adminKey)
    {
        if (!string.IsNullOrEmpty(adminKey))
        {
            app.UseBearerKey(adminKey, Contains,
                "No admin key provided: send it as 'Authorization: Bearer <key>' (the key this server was started with as --admin-key).");
            return;
        }
        app.Use(async (context, next) =>
        {
            if (!Contains(context.Request.Path))
            {
                await next(context);
                return;
            }
            var refusal = new ApiException(403, "The admin API is disabled: start the server with --admin-key to enable it.", code: "admin_api_disabled");
            await Results.Json(refusal.Body(), statusCode: refusal.Status).ExecuteAsync(context);
        });
    }
}
