namespace AppHost.Hosting;

/// <summary>Writes a resource's output lines to the console, prefixed with its name (coloured on a terminal).</summary>
public sealed class ResourceLog(string prefix)
{
    private static readonly int[] Colours = [36, 35, 33, 32, 34, 91, 96, 95];

    public static ResourceLog For(string name, int index)
    {
        var colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        return new ResourceLog(colour ? $"\u001b[{Colours[index % Colours.Length]}m[{name}]\u001b[0m " : $"[{name}] ");
    }

    public void Write(string line) => Console.Out.WriteLine(prefix + line);
}
