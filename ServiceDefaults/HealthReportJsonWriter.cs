using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes a health report in the JSON shape of AspNetCore.HealthChecks.UI.Client's UIResponseWriter
/// (status, totalDuration, entries{name:{status,description,duration,data,tags}}), which the dashboard reads.
/// Without <c>details</c> only the statuses: descriptions, data and exception text can name addresses and internals.
/// </summary>
public static class HealthReportJsonWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report, bool details = true)
    {
        context.Response.ContentType = "application/json";
        object body = details
            ? new
            {
                status = report.Status.ToString(),
                totalDuration = report.TotalDuration.ToString(),
                entries = report.Entries.ToDictionary(e => e.Key, e => (object)new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description ?? e.Value.Exception?.Message,
                    duration = e.Value.Duration.ToString(),
                    data = e.Value.Data,
                    tags = e.Value.Tags,
                }),
            }
            : new
            {
                status = report.Status.ToString(),
                entries = report.Entries.ToDictionary(e => e.Key, e => (object)new { status = e.Value.Status.ToString() }),
            };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
