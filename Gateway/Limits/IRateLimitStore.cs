namespace Gateway.Limits;

/// <summary>Where buckets live: Redis (shared by the gateway replicas) or this process.</summary>
public interface IRateLimitStore
{
    /// <summary>Admits a request if the subject has a request unit and a positive token level, taking the unit.</summary>
    ValueTask<Admission> AdmitAsync(string subject, RateLimitPolicy policy);

    /// <summary>Takes the tokens a response used (the level may go below zero); returns the new level.</summary>
    ValueTask<double> ChargeTokensAsync(string subject, int tokensPerMinute, long tokens);
}
