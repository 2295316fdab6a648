namespace Engine.Lora;

/// <summary>One --lora-modules entry: the adapter's served name, its folder (or hub repo id), and the base model it is
/// listed under (null: the served model).</summary>
public sealed record LoraModule(string Name, string Path, string? BaseModelName = null);
