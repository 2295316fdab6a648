using System.Security.Cryptography;
using System.Text;

namespace InferenceService.Api;

/// <summary>
/// --api-key (or VLLM_API_KEY), as vLLM: every /v1/* request, and /tokenize and /detokenize, needs
/// <c>Authorization: Bearer &lt;key&gt;</c>, else 401 in OpenAI's shape (code invalid_api_key). Probes and scrapes
/// (/health, /alive, /metrics) stay open.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, string apiKey)
{
    // Comparing hashes keeps the comparison constant-time whatever the length of what was presented.
    private readonly byte[] _keyHash = Hash(apiKey);

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsProtected(context.Request.Path) && Refusal(context.Request.Headers.Authorization.ToString()) is { } refusal)
        {
            context.Response.StatusCode = refusal.Status;
            await context.Response.WriteAsJsonAsync(refusal.Body(), context.RequestAborted);
            return;
        }
        await next(context);
    }

    private static bool IsProtected(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/tokenize") || path.StartsWithSegments("/detokenize");

    private ApiException? Refusal(string authorization)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return new ApiException(401, "No API key provided: send it as 'Authorization: Bearer <key>' (this server was started with --api-key).",
                code: "invalid_api_key");
        return CryptographicOperations.FixedTimeEquals(Hash(authorization[scheme.Length..].Trim()), _keyHash)
            ? null
            : new ApiException(401, "Incorrect API key provided.", code: "invalid_api_key");
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
