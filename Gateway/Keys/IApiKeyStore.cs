namespace Gateway.Keys;

/// <summary>Where key records live (Redis, shared by every gateway replica; or memory for a single gateway).
/// Methods throw <see cref="KeyStoreUnavailableException"/> when the store cannot be reached.</summary>
public interface IApiKeyStore
{
    Task CreateAsync(ApiKeyRecord record);

    Task<ApiKeyRecord?> FindByHashAsync(string hash);

    Task<ApiKeyRecord?> FindByIdAsync(string id);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync();

    /// <summary>Marks the key revoked (it stays listed); null if there is no such key.</summary>
    Task<ApiKeyRecord?> RevokeAsync(string id);
}
