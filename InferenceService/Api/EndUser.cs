using System.Diagnostics;

namespace InferenceService.Api;

/// <summary>OpenAI's 'user' (the end user, for abuse monitoring): a tag of the request's trace span and a scope of its logs.</summary>
public static class EndUser
{
    public const string SpanTag = "user.id";

    /// <summary>Tags the current span and opens the log scope (null when no user was given).</summary>
    public static IDisposable? Track(string? user, ILogger logger)
    {
        if (user is null) return null;
        Activity.Current?.SetTag(SpanTag, user);
        return logger.BeginScope(new Dictionary<string, object> { ["User"] = user });
    }
}
