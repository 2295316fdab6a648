using Gateway.Keys;
using Gateway.Limits;

namespace Gateway.Access;

/// <summary>The key a request was authenticated with and the limits that apply to it (an HttpContext feature).</summary>
public sealed record AuthenticatedCaller(ApiKeyRecord Key, RateLimitPolicy Limits)
{
    /// <summary>The rate-limit subject: the key's id (stable, and not secret).</summary>
    public string Subject => "key:" + Key.Id;
}
