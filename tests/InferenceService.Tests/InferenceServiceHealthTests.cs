using System.Net;

namespace InferenceService.Tests;

/// <summary>
/// The InferenceService serve mode (no verb): <c>dotnet InferenceService.dll --port P</c> loads the embedded
/// default model (DefaultModel/stories260K) and answers /health 200 on that port. The port is given by the
/// flag only (no ASPNETCORE_URLS), so this checks the <c>--port</c> contract.
/// </summary>
[Trait("Area", "Inference")]
public sealed class InferenceServiceHealthTests
{
    [Fact]
    public async Task Serve_mode_with_port_flag_answers_health_200()
    {
        await using var service = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString()],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120), // Loading the model may take some seconds.
        });

        using var response = await service.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
