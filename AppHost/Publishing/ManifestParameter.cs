using System.Text.Json.Nodes;

namespace AppHost.Publishing;

/// <summary>A parameter of the Aspire manifest (<c>parameter.v0</c>): the deployments' keys, passwords and tokens.</summary>
public sealed record ManifestParameter(string Name, bool Secret, int? GeneratedLength)
{
    /// <summary>Its environment variable (compose's .env, the chart's helper variables): gateway-admin-key → GATEWAY_ADMIN_KEY.</summary>
    public string VariableName => Name.ToUpperInvariant().Replace('-', '_');

    public static ManifestParameter From(string name, JsonNode parameter)
    {
        var input = parameter["inputs"]?["value"];
        return new ManifestParameter(name, input?["secret"]?.GetValue<bool>() == true,
            input?["default"]?["generate"]?["minLength"]?.GetValue<int>());
    }
}
