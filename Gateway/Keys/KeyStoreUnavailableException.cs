namespace Gateway.Keys;

/// <summary>The key store (Redis) could not be reached.</summary>
public sealed class KeyStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
