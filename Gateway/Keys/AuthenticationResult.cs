namespace Gateway.Keys;

public enum AuthenticationOutcome
{
    Valid,
    Missing,
    Invalid,
    Revoked,
    /// <summary>The store is unreachable and the key was not validated recently enough to trust the cache.</summary>
    StoreUnavailable,
}

public readonly record struct AuthenticationResult(AuthenticationOutcome Outcome, ApiKeyRecord? Key)
{
    public static AuthenticationResult Of(AuthenticationOutcome outcome) => new(outcome, null);
}
