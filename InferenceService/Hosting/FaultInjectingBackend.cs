using Engine.Backends;

namespace InferenceService.Hosting;

/// <summary>
/// A test hook, off unless the environment variable <see cref="Variable"/> names a forward step (counted from 1): that step
/// fails the way a device failure would, the others run as usual. Nothing a client sends makes the engine fail, yet what
/// a failure does must be checked for real: the step's requests end with an error (mid-stream: a final SSE error event)
/// and the engine goes on serving.
/// </summary>
public sealed class FaultInjectingBackend(IComputeBackend inner, int failingStep) : DelegatingBackend(inner)
{
    public const string Variable = "INFERENCE_SERVICE_TEST_FAIL_AT_STEP";

    private int _steps;

    /// <summary>The backend, wrapped when <see cref="Variable"/> is set.</summary>
    public static IComputeBackend WrapIfRequested(IComputeBackend backend) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out int step) && step > 0 ? new FaultInjectingBackend(backend, step) : backend;

    public int FailingStep => failingStep;

    public override void BeginStep(ForwardBatch batch)
    {
        if (Interlocked.Increment(ref _steps) == failingStep)
            throw new InvalidOperationException($"Forward step {failingStep} failed: a fault injected by the test hook {Variable}.");
        Inner.BeginStep(batch);
    }
}
