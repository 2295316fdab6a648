namespace AdminDashboard.Clients;

/// <summary>
/// The API key the playground uses, per browser session (a scoped service of the circuit): set by "Use in playground"
/// on a key just created, or typed in. It lives only in this server's memory and is never stored or logged.
/// </summary>
public sealed class PlaygroundKey
{
    public string? Secret { get; set; }

    public string? Name { get; set; }
}
