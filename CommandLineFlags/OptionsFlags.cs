using System.ComponentModel;
using System.Reflection;

namespace CommandLineFlags;

/// <summary>
/// The configuration keys an options class binds from its section, read from the class itself so the list cannot fall
/// behind it: <c>Section:Property</c> for each public settable property whose type converts from a string (what the
/// configuration binder binds from one value), and a section accepting any key below it for the others (arrays, lists,
/// nested classes: <c>Gateway:CorsOrigins:0</c>).
/// </summary>
public static class OptionsFlags
{
    public static IEnumerable<KnownFlag> Of<TOptions>(string section) =>
        typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => TypeDescriptor.GetConverter(p.PropertyType).CanConvertFrom(typeof(string))
                ? KnownFlag.Value($"{section}:{p.Name}")
                : KnownFlag.Section($"{section}:{p.Name}"));
}
