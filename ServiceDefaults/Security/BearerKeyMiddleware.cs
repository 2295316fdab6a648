using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// An API behind one key: the paths <c>isProtected</c> picks need <c>Authorization: Bearer &lt;key&gt;</c>, else 401 in
/// OpenAI's shape (code invalid_api_key); the others (probes, scrapes) stay open.
/// </summary>
public static class BearerKeyMiddleware
{
    /// <param name="missing">What a request without a key is told (how to send one, where the key comes from).</param>
    public static IApplicationBuilder UseBearerKey(this IApplicationBuilder app, string key, Func<PathString, bool> isProtected, string missing)
    {
        // Comparing hashes keeps the comparison constant-time whatever the length of what was presented.
        var expected = Hash(key);
        return app.Use(async (context, next) =>
        {
            if (!isProtected(context.Request.Path))
            {
                await next(context);
                return;
            }
            var authorization = context.Request.Headers.Authorization.ToString();
            const string scheme = "Bearer ";
            if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                await ErrorJson.WriteAsync(context, StatusCodes.Status401Unauthorized, missing, "invalid_api_key");
            else if (!CryptographicOperations.FixedTimeEquals(Hash(authorization[scheme.Length..].Trim()), expected))
                await ErrorJson.WriteAsync(context, StatusCodes.Status401Unauthorized, "Incorrect API key provided.", "invalid_api_key");
            else
                await next(context);
        });
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
