namespace Tests.Shared;

/// <summary>
/// xunit class fixture: one running instance of a service shared by the tests of a class.
/// Derive with the project name, e.g. <c>public sealed class Fixture() : ServiceFixture("Gateway");</c>.
/// </summary>
public abstract class ServiceFixture(string project, ServiceOptions? options = null) : IAsyncLifetime
{
    private ServiceProcess? _service;

    public string Project { get; } = project;

    public ServiceProcess Service => _service ?? throw new InvalidOperationException($"{Project} is not started.");

    public async Task InitializeAsync() => _service = await ServiceProcess.StartAsync(Project, options);

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
    }
}
