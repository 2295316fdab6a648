using System.Security.Cryptography;

namespace AppHost.Hosting;

/// <summary>
/// A value supplied at deployment (Aspire's parameter): locally from configuration <c>Parameters:&lt;name&gt;</c>,
/// else generated (when <see cref="GenerateLength"/> is set) or the default; in the manifest a
/// <c>parameter.v0</c> the deployment tool asks for or generates; in compose a variable of the .env file.
/// </summary>
public sealed class ParameterResource(string name, bool secret) : Resource(name)
{
    private string? _value;

    public bool Secret { get; } = secret;

    /// <summary>Generate a random value of this length when none is configured.</summary>
    public int? GenerateLength { get; init; }

    /// <summary>Used when none is configured and none is generated.</summary>
    public string Default { get; init; } = "";

    /// <summary>The value configured for this run (Parameters:&lt;name&gt;), if any.</summary>
    public string? Configured { get; init; }

    public override bool IsRunnable => false;

    /// <summary>The local value: configured, else generated once per run, else the default.</summary>
    public string Value => _value ??= Configured is { Length: > 0 } configured ? configured
        : GenerateLength is { } length ? Generate(length) : Default;

    /// <summary>The .env variable of the compose file, e.g. gateway-admin-key → GATEWAY_ADMIN_KEY.</summary>
    public string EnvironmentVariableName => Name.ToUpperInvariant().Replace('-', '_');

    public static string Generate(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
