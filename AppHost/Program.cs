// The local orchestrator, written like an Aspire AppHost over the small resource model in Hosting/.
// Run: dotnet run --project AppHost -c Release  (add --random-ports to listen on free ports instead).
using AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

builder.AddProject("inference", "../InferenceService/InferenceService.csproj")
    .WithHttpEndpoint(port: 8001)
    .WithArgs(inference => ["--port", inference.GetEndpoint("http").Port.ToString()]);

builder.Build().Run();
