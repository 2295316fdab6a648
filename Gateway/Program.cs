// The gateway: OpenAI clients' front door. YARP in-process forwards /v1/*, /tokenize and /detokenize to the
// inference replicas (model-aware, least outstanding requests, health-checked), behind API keys and rate limits;
// HTTPS (HTTP/1.1 and HTTP/2) with a certificate from files that is reloaded when they change.
using CommandLineFlags;
using Gateway.Access;
using Gateway.Admin;
using Gateway.Configuration;
using Gateway.Deployments;
using Gateway.Errors;
using Gateway.Observability;
using Gateway.Routing;
using Gateway.Tls;
using Gateway.Usage;

if (!ServiceCommandLine.Check(args, OptionsFlags.Of<GatewayOptions>(GatewayOptions.SectionName))) return CommandLineException.ExitCode;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
GatewayOptions options;
try
{
    options = await builder.AddGatewayAsync();
    ListenerUrls.Apply(builder, options);
}
catch (InvalidSettingException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return InvalidSettingException.ExitCode;
}

var app = builder.Build();
app.UseGatewayTls(options.Tls);
app.UseMiddleware<PathNormalizationMiddleware>();
app.UseMiddleware<AccessLogMiddleware>();
app.UseMiddleware<ErrorShapeMiddleware>();
if (options.CorsOrigins.Length > 0) app.UseCors(GatewayServices.CorsPolicy);
app.UseMiddleware<AdminRoutesMiddleware>();
app.UseMiddleware<ApiAccessMiddleware>();

var admin = app.Services.GetRequiredService<AdminAccess>();
app.MapDefaultEndpoints(AdminRoutesMiddleware.MetricsPath, showHealthDetails: admin.IsAdmin);
app.MapGet("/", () => Results.Text("Gateway is running. OpenAI API: /v1; health: /health"));
app.MapModelsEndpoints();
app.MapAdminEndpoints();
app.MapDeploymentEndpoints();
app.MapReverseProxy(proxy =>
{
    proxy.UseMiddleware<UpstreamErrorMiddleware>();
    proxy.UseMiddleware<ModelRoutingMiddleware>();
    if (options.Routing == RoutingPolicy.PrefixAffinity) proxy.UseMiddleware<PrefixPlacementMiddleware>();
    proxy.UseMiddleware<UsageAccountingMiddleware>();
    proxy.UseMiddleware<ConnectRetryMiddleware>();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});
app.MapFallback((HttpContext context) => OpenAiError.NotFoundAsync(context, $"Unknown path {context.Request.Path}.", "unknown_path"));
app.Run();
return 0;
