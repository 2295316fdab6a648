namespace ChatTemplates;

/// <summary>
/// What <c>namespace(...)</c> returns: the one object templates may assign attributes on
/// (<c>{% set ns.found = true %}</c>), which is how state escapes a loop's scope.
/// </summary>
internal sealed class NamespaceValue
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
