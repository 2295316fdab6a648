namespace AppHost.Hosting;

/// <summary>What the model is evaluated for: running locally, or publishing an Aspire manifest or a compose file.</summary>
public enum ExecutionTarget
{
    Run,
    Manifest,
    Compose,
}
