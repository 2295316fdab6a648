using Gateway.Configuration;
using Gateway.Errors;
using Gateway.Keys;

namespace Gateway.Admin;

/// <summary>Endpoint filter of the admin API: requires <c>Authorization: Bearer &lt;Gateway:AdminKey&gt;</c>.</summary>
public sealed class AdminKeyGuard(GatewayOptions options) : IEndpointFilter
{
    // Hashing both sides gives equal lengths, so the comparison is constant-time whatever was presented.
    private readonly string? _adminHash = string.IsNullOrEmpty(options.AdminKey) ? null : ApiKeySecret.Hash(options.AdminKey);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_adminHash is null)
            return new OpenAiErrorResult(StatusCodes.Status403Forbidden, "The admin API is disabled: set Gateway__AdminKey to enable it.",
                OpenAiError.InvalidRequest, "admin_api_disabled");
        var presented = BearerToken.From(context.HttpContext.Request);
        if (presented is null || !ApiKeySecret.HashesEqual(ApiKeySecret.Hash(presented), _adminHash))
            return new OpenAiErrorResult(StatusCodes.Status401Unauthorized, "The admin API needs the admin key (Authorization: Bearer <admin key>).",
                OpenAiError.InvalidRequest, "invalid_api_key");
        return await next(context);
    }
}
