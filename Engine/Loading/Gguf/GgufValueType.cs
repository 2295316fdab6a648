namespace Engine.Loading.Gguf;

/// <summary>GGUF metadata value types (gguf.h).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>One metadata value: a scalar (byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long,
/// double) or, for <see cref="GgufValueType.Array"/>, an array of <see cref="ElementType"/> (string[], int[], ...;
/// object[] of GgufValue for nested arrays).</summary>
public sealed record GgufValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public string TypeName => Type == GgufValueType.Array ? $"array of {ElementType}" : Type.ToString();
}
