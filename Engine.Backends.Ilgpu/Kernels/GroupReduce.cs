using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// Reductions across a thread group: warp shuffles, then one partial per warp through shared memory. Written for any
/// warp size (32 on CUDA, smaller on ILGPU's CPU accelerator); the group size must be a multiple of it and hold at
/// most <see cref="MaxWarps"/> warps. Every thread of the group must call them; every thread gets the result.
/// </summary>
public static class GroupReduce
{
    public const int MaxWarps = 64;

    public static float WarpSum(float value)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset /= 2) value += Warp.ShuffleDown(value, offset);
        return value;   // complete in lane 0
    }

    public static float Sum(float value, ArrayView<float> scratch)
    {
        value = WarpSum(value);
        if (Warp.IsFirstLane) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        float total = 0;
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 0; w < warps; w++) total += scratch[w];
        Group.Barrier();
        return total;
    }

    public static float Max(float value, ArrayView<float> scratch)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset /= 2) value = MathF.Max(value, Warp.ShuffleDown(value, offset));
        if (Warp.IsFirstLane) scratch[Warp.WarpIdx] = value;
        Group.Barrier();
        float best = float.NegativeInfinity;
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 0; w < warps; w++) best = MathF.Max(best, scratch[w]);
        Group.Barrier();
        return best;
    }

    /// <summary>The index of the largest value; the lowest index among equal values (as TensorPrimitives.IndexOfMax).</summary>
    public static int ArgMax(float value, int index, ArrayView<float> values, ArrayView<int> indices)
    {
        for (int offset = Warp.WarpSize / 2; offset > 0; offset /= 2)
        {
            float otherValue = Warp.ShuffleDown(value, offset);
            int otherIndex = Warp.ShuffleDown(index, offset);
            if (Better(otherValue, otherIndex, value, index))
            {
                value = otherValue;
                index = otherIndex;
            }
        }
        if (Warp.IsFirstLane)
        {
            values[Warp.WarpIdx] = value;
            indices[Warp.WarpIdx] = index;
        }
        Group.Barrier();
        float bestValue = values[0];
        int bestIndex = indices[0];
        int warps = Group.DimX / Warp.WarpSize;
        for (int w = 1; w < warps; w++)
        {
            if (Better(values[w], indices[w], bestValue, bestIndex))
            {
                bestValue = values[w];
                bestIndex = indices[w];
            }
        }
        Group.Barrier();
        return bestIndex;
    }

    /// <summary>Index -1 marks "no element" (a thread that saw none).</summary>
    private static bool Better(float value, int index, float bestValue, int bestIndex) =>
        index >= 0 && (bestIndex < 0 || value > bestValue || (value == bestValue && index < bestIndex));
}
