using ModelCacheService.Api;

namespace ModelCacheService.Pulls;

/// <summary>A pull cannot go on; <see cref="Error"/> says why in the words the client will read.</summary>
public sealed class PullFailedException(ErrorDetail error, Exception? inner = null) : Exception(error.Message, inner)
{
    public ErrorDetail Error { get; } = error;
}
