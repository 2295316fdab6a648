// The whole system as an Aspire AppHost.
// Run:     dotnet run --project AppHost -c Release [-- --random-ports] [-- --model DIR --max-model-len 512 ...]
// Publish: dotnet run --project AppHost -- --publisher manifest --output-path aspire-manifest.json
//          dotnet run --project AppHost -- --publisher compose --output-path deploy/
//          dotnet run --project AppHost -- --publisher kubernetes --output-path deploy/k8s   (a Helm chart)
using AppHost;
using AppHost.Configuration;
using AppHost.Publishing;
using AppHost.Resources;
using CommandLineFlags;

string[] aspireArgs;
try
{
    aspireArgs = AppHostArguments.ToAspire(args);
}
catch (CommandLineException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return CommandLineException.ExitCode;
}

var builder = DistributedApplication.CreateBuilder(aspireArgs);

var adminKey = builder.AddParameter("gateway-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
// The replicas' --api-key: they answer only the gateway and the admin dashboard, never a client that goes around the gateway.
var inferenceKey = builder.AddParameter("inference-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
// The replicas' --admin-key: their model management API (/admin/models), which the gateway uses to see load states
// and to deploy models.
var inferenceAdminKey = builder.AddParameter("inference-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
// The model cache's API key: the service requires it, and its clients (the replicas, the dashboard) send it.
var modelCacheKey = builder.AddParameter("modelcache-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
var hfToken = builder.AddHuggingFaceTokenParameter();

var redis = builder.AddRedisStore("redis");

var modelcache = builder.AddProject<Projects.ModelCacheService>("modelcache")
    .WithServiceEndpoint(8090)
    .WithReference(redis).WaitFor(redis)
    .WithHuggingFaceCache(hfToken)
    .WithEnvironment("ModelCache__ApiKey", modelCacheKey)
    .WithConfigurationSection("ModelCache");

// One resource per replica: the gateway routes by model, load and health to each replica by name, so they are not
// hidden behind one proxied endpoint as WithReplicas would do. Published to Kubernetes they are one StatefulSet.
var replicas = Enumerable.Range(0, builder.Configuration.GetValue("Inference:Replicas", 2)).Select(i =>
    builder.AddProject<Projects.InferenceService>($"{InferenceReplicas.ServiceName}-{i}")
        .InReplicaGroup(InferenceReplicas.ServiceName, i)
        .WithQueueAutoscaling(InferenceReplicas.QueueDepthMetric)
        .WithServiceEndpoint(8001 + i)
        .WithReference(modelcache).WaitFor(modelcache)
        .WithEnvironment("ModelCache__ApiKey", modelCacheKey)
        .WithHuggingFaceCache(hfToken)
        .WithEngineConfiguration()
        .WithEnvironment("Engine__ApiKey", inferenceKey)
        .WithEnvironment("Engine__AdminKey", inferenceAdminKey)
        .WithGpuSupport()).ToList();

var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithServiceEndpoint(8000, external: true)
    .AsPublicEntryPoint()
    .WithTlsTermination("Gateway__Tls")
    .WithReference(redis).WaitFor(redis)
    .WithInferenceReplicas(replicas)
    .WithEnvironment("Gateway__AdminKey", adminKey)
    .WithEnvironment("Gateway__UpstreamApiKey", inferenceKey)
    .WithEnvironment("Gateway__UpstreamAdminKey", inferenceAdminKey)
    .WithConfigurationSection("Gateway")
    .WithDevApiKey(adminKey);

builder.AddProject<Projects.AdminDashboard>("dashboard")
    .WithServiceEndpoint(8080, external: true)
    .WithReference(redis)
    .WithReference(gateway).WaitFor(gateway)
    .WithReference(modelcache)
    .WithEnvironment("ModelCache__ApiKey", modelCacheKey)
    .WithInferenceReplicas(replicas, waitFor: false)
    .WithEnvironment("Dashboard__AdminKey", adminKey)
    .WithEnvironment("Dashboard__InferenceApiKey", inferenceKey)
    .WithConfigurationSection("Dashboard")
    .WithAspireDashboardLink();

builder.RestartCrashedServices();
builder.AddDeploymentPublishers();

builder.Build().Run();
return 0;
