namespace Engine.StructuredOutput.Matching;

/// <summary>
/// One entry of a matcher's stack, persistent (shared by the stacks that grow from it): a rule, the state it is in,
/// and the caller's frame to return to (whose state is where the caller continues). <see cref="Distance"/> is the
/// fewest bytes that finish this rule and every caller below it.
/// </summary>
internal sealed class Frame : IEquatable<Frame>
{
    private readonly int _hash;

    public Frame(int rule, int state, Frame? parent, int distance)
    {
        Rule = rule;
        State = state;
        Parent = parent;
        Distance = parent is null ? distance : (int)Math.Min(int.MaxValue / 2, (long)distance + parent.Distance);
        _hash = HashCode.Combine(rule, state, parent?._hash ?? 0);
    }

    public int Rule { get; }
    public int State { get; }
    public Frame? Parent { get; }
    public int Distance { get; }

    public bool Equals(Frame? other)
    {
        for (Frame? a = this, b = other; ; a = a.Parent, b = b.Parent)
        {
            if (ReferenceEquals(a, b)) return true;
            if (a is null || b is null || a._hash != b._hash || a.Rule != b.Rule || a.State != b.State) return false;
        }
    }

    public override bool Equals(object? obj) => Equals(obj as Frame);

    public override int GetHashCode() => _hash;
}
