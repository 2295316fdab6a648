using System.Text.RegularExpressions;

namespace AppHost.Tests.Infrastructure;

/// <summary>The environment variables that carry another service's address, which the deployment validators check.</summary>
public static partial class AddressVariables
{
    /// <summary>A service discovery entry: <c>services__gateway__http__0</c> = a URL.</summary>
    [GeneratedRegex(@"^services__[a-z0-9-]+__[a-z0-9]+__\d+$")]
    public static partial Regex ServiceDiscovery();

    /// <summary>A connection string: <c>ConnectionStrings__redis</c> = host:port[,options].</summary>
    [GeneratedRegex(@"^ConnectionStrings__[a-z0-9-]+$")]
    public static partial Regex ConnectionString();
}
