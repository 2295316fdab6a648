namespace Gateway.Keys;

/// <summary>Reads the token of an <c>Authorization: Bearer &lt;token&gt;</c> header.</summary>
public static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
