namespace Engine.Loading;

/// <summary>bfloat16 is the upper half of an IEEE float32.</summary>
public static class BFloat16
{
    public static float ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>Round to nearest even, as PyTorch does.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
