namespace Gateway.Access;

/// <summary>Which paths need an API key: the proxied OpenAI API and the tokenizer endpoints.</summary>
public static class ProtectedPaths
{
    public static bool RequireApiKey(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/tokenize") || path.StartsWithSegments("/detokenize");

    /// <summary>The admin API checks the admin key itself.</summary>
    public static bool IsAdmin(PathString path) => path.StartsWithSegments("/admin");
}
