using System.Collections;
using System.ComponentModel;
using System.Reflection;

namespace CommandLineFlags;

/// <summary>
/// The configuration keys an options class binds from its section, read from the class itself so the list cannot fall
/// behind it: <c>Section:Property</c> for each public settable property whose type converts from a string (what the
/// configuration binder binds from one value), the keys of a nested options class one by one (<c>Gateway:Tls:KeyPath</c>),
/// and a section accepting any key below it for collections (arrays, lists: <c>Gateway:CorsOrigins:0</c>).
/// </summary>
public static class OptionsFlags
{
    public static IEnumerable<KnownFlag> Of<TOptions>(string section) => Of(typeof(TOptions), section);

    private static IEnumerable<KnownFlag> Of(Type options, string section) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .SelectMany(p => TypeDescriptor.GetConverter(p.PropertyType).CanConvertFrom(typeof(string))
                ? [KnownFlag.Value($"{section}:{p.Name}")]
                : p.PropertyType.IsClass && !typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
                    ? Of(p.PropertyType, $"{section}:{p.Name}")
                    : [KnownFlag.Section($"{section}:{p.Name}")]);
}
