using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Resources;

/// <summary>
/// Local runs: a service that dies on its own (non-zero exit: a crash, a kill, out of memory) is started again after 1 s,
/// 2 s, 4 s, ... up to 30 s; the delay resets once it has run for a minute. DCP has no restart policy for processes, and
/// the gateway routes around a replica that is down and back to it once it answers again. A service stopped from the
/// Aspire dashboard exits with 0 (graceful shutdown) and stays stopped.
/// </summary>
public sealed class CrashedServiceRestarter(ResourceNotificationService notifications, ResourceCommandService commands,
    ILogger<CrashedServiceRestarter> logger, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableRun = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (int Crashes, DateTimeOffset StartedAt)> _replicas = [];

    /// <summary>1 s, 2 s, 4 s, ... after consecutive crashes, at most 30 s.</summary>
    public static TimeSpan DelayAfter(int crashes) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Max(0, crashes - 1))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (change.Resource is not ProjectResource) continue;
                var state = change.Snapshot.State?.Text;
                var (crashes, startedAt) = _replicas.GetValueOrDefault(change.ResourceId);
                if (state == KnownResourceStates.Running && startedAt == default)
                    _replicas[change.ResourceId] = (crashes, time.GetUtcNow());
                else if (KnownResourceStates.TerminalStates.Contains(state) && change.Snapshot.ExitCode is { } exitCode and not 0 && startedAt != default)
                {
                    crashes = time.GetUtcNow() - startedAt > StableRun ? 1 : crashes + 1;
                    _replicas[change.ResourceId] = (crashes, default);
                    _ = RestartAsync(change.ResourceId, exitCode, DelayAfter(crashes), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(string resourceId, int exitCode, TimeSpan delay, CancellationToken stoppingToken)
    {
        logger.LogWarning("{Resource} exited with code {ExitCode}; starting it again in {Delay} s.", resourceId, exitCode, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success) logger.LogError("Could not start {Resource} again: {Message}", resourceId, result.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

public static class CrashedServiceRestarts
{
    public static IDistributedApplicationBuilder RestartCrashedServices(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode) builder.Services.AddHostedService<CrashedServiceRestarter>();
        return builder;
    }
}
