namespace Engine.Loading;

/// <summary>
/// --load-format dummy: random weights of the requested shapes, for benchmarks (as vLLM's dummy loader).
/// Norm weights are ones so activations keep a sane scale; the rest are uniform in ±1/sqrt(cols).
/// </summary>
public sealed class DummyWeights(DType dtype, ulong seed = 0x5EED) : IWeightSource
{
    private ulong _state = seed | 1;

    public unsafe HostTensor Get(string name, params int[] shape)
    {
        var tensor = HostTensor.Allocate(name, dtype, shape);
        bool isNorm = name.EndsWith("norm.weight", StringComparison.Ordinal);
        float scale = 1f / MathF.Sqrt(shape[^1]);
        long count = tensor.ElementCount;
        for (long i = 0; i < count; i++)
        {
            float value = isNorm ? 1f : scale * (2f * NextUnit() - 1f);
            switch (dtype)
            {
                case DType.F32: ((float*)tensor.Data)[i] = value; break;
                case DType.F16: ((Half*)tensor.Data)[i] = (Half)value; break;
                default: ((ushort*)tensor.Data)[i] = BFloat16.FromSingle(value); break;
            }
        }
        return tensor;
    }

    /// <summary>xorshift64*: fast enough to fill a billion weights.</summary>
    private float NextUnit()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return ((_state * 0x2545F4914F6CDD1DUL) >> 40) * (1f / (1 << 24));
    }

    public void Dispose() { }
}
