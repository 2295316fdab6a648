using Engine.Backends;

namespace Engine.Lora;

/// <summary>Activation buffers for adapter deltas, allocated once per (role, width) for the largest step, used as views of
/// their first rows.</summary>
public sealed class LoraScratch(IComputeBackend backend, int maxTokens)
{
    private readonly Dictionary<(Role, int), Tensor> _buffers = [];

    public enum Role { Input, Reduced, Delta }

    public Tensor Rows(Role role, int width, int rows)
    {
        if (!_buffers.TryGetValue((role, width), out var buffer)) _buffers[(role, width)] = buffer = backend.Allocate(maxTokens, width);
        return buffer.FirstRows(rows);
    }
}
