namespace Gateway.Routing;

/// <summary>
/// What routing learned about a proxied request (an HttpContext feature). <see cref="UsageInjected"/>: the gateway
/// asked the replica for stream usage the client did not ask for, so the usage chunk must not reach the client.
/// </summary>
public sealed record RoutedRequest(bool UsageInjected);
