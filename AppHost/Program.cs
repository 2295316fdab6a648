// The local orchestrator, written like an Aspire AppHost over the small resource model in Hosting/.
// Run:     dotnet run --project AppHost -c Release [-- --random-ports] [-- --model DIR --max-model-len 512 ...]
// Publish: dotnet run --project AppHost -- --publisher manifest --output-path aspire-manifest.json
//          dotnet run --project AppHost -- --publisher compose --output-path deploy/
using AppHost;
using AppHost.Hosting;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var adminKey = builder.AddParameter("gateway-admin-key", secret: true, generateLength: 32);
var hfToken = builder.AddParameter("hf-token", secret: true);

var redis = builder.AddRedis("redis");

var modelcache = builder.AddProject("modelcache", "../ModelCacheService/ModelCacheService.csproj")
    .WithHttpEndpoint(port: 8090)
    .WithHttpHealthCheck("/health")
    .WithReference(redis).WaitFor(redis)
    .WithHuggingFaceCache(hfToken)
    .WithEnvironment(builder.Configuration.GetSection("ModelCache"));

var inference = builder.AddProject("inference", "../InferenceService/InferenceService.csproj")
    .WithReplicas(builder.Configuration.GetValue("Inference:Replicas", 2))
    .WithHttpEndpoint(port: 8001)
    .WithHttpHealthCheck("/health")
    .WithReference(modelcache).WaitFor(modelcache)
    .WithHuggingFaceCache(hfToken)
    .WithEngineConfiguration(builder.Configuration)
    .WithGpuSupport();

var gateway = builder.AddProject("gateway", "../Gateway/Gateway.csproj")
    .WithHttpEndpoint(port: 8000).WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(redis).WaitFor(redis)
    .WithReference(inference).WaitFor(inference)
    .WithEnvironment("Gateway__AdminKey", adminKey)
    .WithEnvironment(builder.Configuration.GetSection("Gateway"))
    .OnResourceReady(DevApiKeys.CreateAndPrint(adminKey, builder.Configuration));

var dashboard = builder.AddProject("dashboard", "../AdminDashboard/AdminDashboard.csproj")
    .WithHttpEndpoint(port: 8080).WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WithReference(gateway).WaitFor(gateway)
    .WithReference(modelcache)
    .WithReference(inference)
    .WithEnvironment("Dashboard__AdminKey", adminKey);

if (builder.ExecutionContext.IsRunMode && builder.IsPrometheusInstalled())
    builder.AddPrometheus("prometheus", port: 9090).WithScrapeTargets(modelcache, inference, gateway, dashboard);

builder.Build().Run();
