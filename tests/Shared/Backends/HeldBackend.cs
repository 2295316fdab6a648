using Engine.Backends;

namespace Tests.Shared;

/// <summary>A backend whose first step waits until <see cref="Release"/>: a test queues several requests while the
/// engine is held, so they meet in the scheduler however the machine schedules the test's thread.</summary>
public sealed class HeldBackend(IComputeBackend inner) : DelegatingBackend(inner)
{
    private readonly ManualResetEventSlim _released = new();

    public void Release() => _released.Set();

    public override void BeginStep(ForwardBatch batch)
    {
        if (!_released.Wait(TimeSpan.FromMinutes(1))) throw new TimeoutException("The test never released the held backend.");
        base.BeginStep(batch);
    }
}
