namespace AppHost.Hosting;

/// <summary>Whether the model is built to run locally or to be published (Aspire's ExecutionContext).</summary>
public sealed class DistributedApplicationExecutionContext(bool isPublishMode)
{
    public bool IsPublishMode { get; } = isPublishMode;

    public bool IsRunMode => !IsPublishMode;
}
