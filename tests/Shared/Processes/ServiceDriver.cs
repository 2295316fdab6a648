namespace Tests.Shared;

/// <summary>
/// Base of a test's handle on one running service that adds helpers of its own (its API calls, its readiness):
/// the process, HTTP client and address are those of the <see cref="ServiceProcess"/> underneath; disposing kills it.
/// </summary>
public abstract class ServiceDriver(ServiceProcess service) : IAsyncDisposable
{
    public ServiceProcess Service { get; } = service;
    public TestProcess Process => Service.Process;
    public HttpClient Http => Service.Http;
    public Uri BaseAddress => Service.BaseAddress;

    /// <inheritdoc cref="ServiceProcess.Url"/>
    public string Url => Service.Url;

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
