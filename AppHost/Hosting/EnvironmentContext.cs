namespace AppHost.Hosting;

/// <summary>Collects the environment variables of one replica of a resource for one target.</summary>
public sealed class EnvironmentContext(Resource resource, int replica, IValueResolver values)
{
    public Resource Resource { get; } = resource;

    public int Replica { get; } = replica;

    public IValueResolver Values { get; } = values;

    public ExecutionTarget Target => Values.Target;

    public OrderedDictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public void Set(string name, string value) => Variables[name] = value;

    /// <summary>Evaluates every environment callback of <paramref name="resource"/>.</summary>
    public static OrderedDictionary<string, string> Evaluate(Resource resource, int replica, IValueResolver values)
    {
        var context = new EnvironmentContext(resource, replica, values);
        foreach (var callback in resource.Environment) callback(context);
        return context.Variables;
    }
}
