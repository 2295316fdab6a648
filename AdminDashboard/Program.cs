// Minimal AdminDashboard host: later issues fill it in; it already runs the service defaults and answers /health.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/", () => Results.Text("AdminDashboard is running. Health: /health"));
app.Run();
