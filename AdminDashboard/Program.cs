// AdminDashboard: the operators' UI (Blazor, interactive server rendering, Fluent UI) behind an admin login.
// Configuration (as the AppHost injects it): services__gateway__http__0, services__modelcache__http__0,
// services__inference__http__0..N (base URLs), Dashboard__AdminKey (sign-in key; also the gateway's admin key),
// ConnectionStrings__redis (optional; pinged on the overview). See README.md, "AdminDashboard".
using AdminDashboard.Auth;
using AdminDashboard.Clients;
using AdminDashboard.Components;
using AdminDashboard.Configuration;
using AdminDashboard.Monitoring;
using CommandLineFlags;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.FluentUI.AspNetCore.Components;

if (!ServiceCommandLine.Check(args, OptionsFlags.Of<DashboardOptions>(DashboardOptions.SectionName))) return CommandLineException.ExitCode;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Serve the static web assets (ours, Fluent UI's, Blazor's) from the build output in every environment, not only in
// Development: the AppHost and the tests run the built DLL. Published output has them in wwwroot; then this does nothing.
builder.WebHost.UseStaticWebAssets();

var options = builder.Configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
var endpoints = ServiceEndpoints.Read(builder.Configuration);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(endpoints);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddFluentUIComponents();
builder.Services.AddAdminAuthentication(options);

// No resilience handler: a service that is down must show as down at once, and a POST must never be sent twice.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is what opts a client out of the defaults.
builder.Services.AddHttpClient(ServiceHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
builder.Services.AddSingleton<ServiceHttp>();
builder.Services.AddSingleton<HealthClient>();
builder.Services.AddSingleton<InferenceClient>();
builder.Services.AddSingleton<ModelCacheClient>();
builder.Services.AddSingleton<GatewayAdminClient>();
builder.Services.AddSingleton<ChatClient>();
builder.Services.AddScoped<PlaygroundKey>();
builder.Services.AddSingleton<HealthMonitor>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
builder.Services.AddSingleton<MetricsCollector>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricsCollector>());

var app = builder.Build();
// Behind a reverse proxy on this machine (loopback; elsewhere: ASPNETCORE_FORWARDEDHEADERS_ENABLED=true), the client's
// scheme and address are what it forwards: the session cookie is Secure over HTTPS, sign-in failures count per client.
app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

// Probes and the scrape endpoint stay anonymous (the AppHost and Prometheus call them); everything else needs the session.
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapLogout();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .RequireAuthorization();

if (string.IsNullOrEmpty(options.AdminKey))
    app.Logger.LogWarning("Dashboard__AdminKey is not set: nobody can sign in, and the gateway's admin API cannot be used.");
app.Logger.LogInformation("Gateway {Gateway}, model cache {Cache}, {Replicas} inference replica(s){Redis}",
    endpoints.GatewayUrl?.ToString() ?? "(not configured)", endpoints.ModelCacheUrl?.ToString() ?? "(not configured)",
    endpoints.InferenceUrls.Count, endpoints.Redis is null ? "" : ", redis " + RedisPing.Display(endpoints.Redis));
app.Run();
return 0;
