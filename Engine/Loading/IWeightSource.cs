namespace Engine.Loading;

/// <summary>Where a model's weights come from: a checkpoint on disk, or random values for benchmarks.</summary>
public interface IWeightSource : IDisposable
{
    /// <summary>The tensor called <paramref name="name"/>, checked against the shape the model expects.</summary>
    HostTensor Get(string name, params int[] shape);
}
