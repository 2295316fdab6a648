using AppHost.Publishing;
using CommandLineFlags;
using Engine.Configuration;

namespace AppHost.Configuration;

/// <summary>
/// The AppHost's command line, checked strictly (an unknown or misspelt flag stops it, naming the closest known one) and
/// turned into what Aspire's builder reads: vLLM-style engine flags (<c>--model DIR</c>, <c>--max-model-len 512</c>,
/// <c>--no-enable-prefix-caching</c>) become <c>--Engine:&lt;PascalName&gt;=value</c>, which reaches every inference
/// replica; <c>--random-ports</c> becomes DCP's port randomization; settings (<c>--Inference:Replicas 3</c>,
/// <c>--Gateway:&lt;Key&gt;</c>, ...) and Aspire's own options (<c>--publisher</c>, <c>--output-path</c>, ...) pass through.
/// </summary>
public static class AppHostArguments
{
    /// <summary>The engine flags a replica takes, except where it listens (its endpoint decides) and its API key (the
    /// inference-api-key parameter, which the gateway and the dashboard get too).</summary>
    private static readonly KnownFlag[] EngineFlagsForReplicas = [.. EngineFlags.Serve.Flags.Where(f => f.Name is not ("host" or "port" or "api-key"))];

    public static FlagSet Known { get; } = new(
    [
        .. EngineFlagsForReplicas,
        .. EngineFlagsForReplicas.Select(f => f.Kind == FlagKind.Repeated ? KnownFlag.Section(EngineFlags.ConfigurationKey(f.Name)) : KnownFlag.Value(EngineFlags.ConfigurationKey(f.Name))),
        KnownFlag.Switch("random-ports"),
        KnownFlag.Value("Inference:Replicas"),
        KnownFlag.Switch("Redis:Container"),
        KnownFlag.Value("Parameters:gateway-admin-key"),
        KnownFlag.Value("Parameters:hf-token"),
        KnownFlag.Value("Parameters:redis-password"),
        KnownFlag.Value("Parameters:inference-api-key"),
        KnownFlag.Value("Parameters:inference-admin-key"),
        .. ServiceSettings.Gateway.Select(key => KnownFlag.Value($"Gateway:{key}")),
        .. ServiceSettings.GatewayLists.Select(key => KnownFlag.Section($"Gateway:{key}")),
        .. ServiceSettings.ModelCache.Select(key => KnownFlag.Value($"ModelCache:{key}")),
        .. ServiceSettings.Dashboard.Select(key => KnownFlag.Value($"Dashboard:{key}")),
        // The Hugging Face settings the AppHost hands to the model cache and the replicas (usually from the environment).
        .. new[] { "HF_HOME", "HF_TOKEN", "HF_HUB_CACHE", "HF_ENDPOINT", "HF_HUB_OFFLINE" }.Select(KnownFlag.Value),
        // Aspire's own command-line options (its switch mappings) and the settings of its dashboard.
        .. new[] { "operation", "publisher", "step", "output-path", "log-level", "dcp-cli-path", "dcp-container-runtime",
            "dcp-dependency-check-timeout", "dcp-dashboard-path" }.Select(KnownFlag.Value),
        .. new[] { "include-exception-details", "clear-cache", "yes" }.Select(KnownFlag.Switch),
        .. new[] { "ASPNETCORE_URLS", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL",
            "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", "ASPIRE_ALLOW_UNSECURED_TRANSPORT" }.Select(KnownFlag.Value),
        KnownFlag.Section("Logging"),
    ]);

    /// <summary>The arguments for Aspire's builder; throws <see cref="CommandLineException"/> on an unknown flag, and on a
    /// publisher that is not one of <see cref="DeploymentPublishers.Names"/> or has no output path (Aspire would run every
    /// pipeline step for the first, and log the second's failure yet exit 0).</summary>
    public static string[] ToAspire(IReadOnlyList<string> args)
    {
        var flags = FlagArguments.Parse(args, Known);
        if (flags.LastOrDefault(f => f.Key == "publisher") is { Key: not null } publisher)
        {
            if (!DeploymentPublishers.Names.Contains(publisher.Value, StringComparer.OrdinalIgnoreCase))
                throw new CommandLineException($"unknown publisher --publisher {publisher.Value} (known: {string.Join(", ", DeploymentPublishers.Names)})");
            if (!flags.Any(f => f.Key == "output-path"))
                throw new CommandLineException($"--publisher {publisher.Value} needs --output-path <path>");
        }
        var repeats = new Dictionary<string, int>();
        return
        [
            .. flags.Select(flag => flag.Key switch
            {
                "random-ports" => $"--DcpPublisher:RandomizePorts={flag.Value}",
                // A repeatable engine flag (--lora-modules) becomes a list: Engine:LoraModules:0, :1, …
                var name when EngineFlagsForReplicas.Any(f => f.Name == name && f.Kind == FlagKind.Repeated) =>
                    $"--{EngineFlags.ConfigurationKey(name)}:{repeats[name] = repeats.GetValueOrDefault(name, -1) + 1}={flag.Value}",
                var name when EngineFlagsForReplicas.Any(f => f.Name == name) => $"--{EngineFlags.ConfigurationKey(name)}={flag.Value}",
                var name => $"--{name}={flag.Value}",
            }),
        ];
    }
}
