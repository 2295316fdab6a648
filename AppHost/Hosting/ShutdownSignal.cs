using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>Turns Ctrl+C, SIGINT, SIGTERM, SIGHUP (terminal closed) and SIGQUIT into a cancellation, so the AppHost can stop its children first.</summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private int _signalled;
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations = [Register(PosixSignal.SIGINT), Register(PosixSignal.SIGTERM), Register(PosixSignal.SIGHUP), Register(PosixSignal.SIGQUIT)];
    }

    public CancellationToken Token => _cts.Token;

    private PosixSignalRegistration Register(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true; // We exit ourselves, after stopping the children.
        if (Interlocked.Exchange(ref _signalled, 1) == 1) return;
        Console.WriteLine($"AppHost: {signal} received.");
        _ = _cts.CancelAsync();
    });

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cts.Dispose();
    }
}
