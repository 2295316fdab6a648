namespace Gateway.Keys;

/// <summary>
/// What the store keeps about an API key: never the key itself, only its SHA-256 hash (lowercase hex).
/// Null limits mean "the gateway's defaults"; 0 means unlimited. <see cref="MinPriority"/>: the most urgent priority the
/// key's requests may run at (null: the client's priority is removed).
/// </summary>
public sealed record ApiKeyRecord(
    string Id,
    string Name,
    string Hash,
    DateTimeOffset CreatedAt,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    bool Revoked,
    int? MinPriority = null);
