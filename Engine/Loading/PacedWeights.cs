namespace Engine.Loading;

/// <summary>A weight source whose every tensor is preceded by the <see cref="LoadPacer"/>'s rest: the work between two
/// tensors (reading, converting, packing the previous one) is one burst.</summary>
public sealed class PacedWeights(IWeightSource inner, LoadPacer pacer) : IWeightSource
{
    public HostTensor Get(string name, params int[] shape)
    {
        pacer.Pace();
        return inner.Get(name, shape);
    }

    public void Dispose() => inner.Dispose();
}
