using AdminDashboard.Clients;

namespace AdminDashboard.Components.ModelsPage;

/// <summary>A pull the page follows: its latest state, whether its progress stream is still read, and a note for the operator.</summary>
public sealed class PullView(PullState state)
{
    public PullState State { get; set; } = state;
    public CancellationTokenSource Stop { get; } = new();
    public bool Following { get; set; } = true;
    public string? Note { get; set; }
}
