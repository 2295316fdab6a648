using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>Kernels that reduce along a row: one thread group per row (or per head for q/k norm).</summary>
public static class RowKernels
{
    /// <summary>output = x / rms(x) * weight over each group of s.GroupCols columns; in place is fine.</summary>
    public static void RmsNorm(ArrayView<float> x, int xStride, ArrayView<float> weight, ArrayView<float> output, int outStride, NormShape s)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        int segments = s.Cols / s.GroupCols;
        for (int item = Grid.IdxX; item < s.Rows * segments; item += Grid.DimX)
        {
            int row = item / segments, start = item % segments * s.GroupCols;
            long from = (long)row * xStride + start, to = (long)row * outStride + start;
            float squares = 0;
            for (int c = Group.IdxX; c < s.GroupCols; c += Group.DimX)
            {
                float v = x[from + c];
                squares += v * v;
            }
            squares = GroupReduce.Sum(squares, scratch);
            float scale = 1f / MathF.Sqrt(squares / s.GroupCols + s.Eps);
            for (int c = Group.IdxX; c < s.GroupCols; c += Group.DimX) output[to + c] = x[from + c] * scale * weight[c];
        }
    }

    /// <summary>Softmax of each row in place.</summary>
    public static void Softmax(ArrayView<float> x, int xStride, Shape2 s)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        for (int row = Grid.IdxX; row < s.Rows; row += Grid.DimX)
        {
            long from = (long)row * xStride;
            float max = float.NegativeInfinity;
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX) max = MathF.Max(max, x[from + c]);
            max = GroupReduce.Max(max, scratch);
            float sum = 0;
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX)
            {
                float e = MathF.Exp(x[from + c] - max);
                x[from + c] = e;
                sum += e;
            }
            sum = GroupReduce.Sum(sum, scratch);
            float inverse = 1f / sum;
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX) x[from + c] *= inverse;
        }
    }

    /// <summary>output[r] = index of the largest value of row r (lowest index on ties): greedy sampling on the device.</summary>
    public static void ArgMax(ArrayView<float> x, int xStride, ArrayView<int> output, Shape2 s)
    {
        var values = SharedMemory.Allocate<float>(GroupReduce.MaxWarps);
        var indices = SharedMemory.Allocate<int>(GroupReduce.MaxWarps);
        for (int row = Grid.IdxX; row < s.Rows; row += Grid.DimX)
        {
            long from = (long)row * xStride;
            float best = float.NegativeInfinity;
            int bestIndex = -1;
            for (int c = Group.IdxX; c < s.Cols; c += Group.DimX)
            {
                float v = x[from + c];
                if (bestIndex < 0 || v > best)
                {
                    best = v;
                    bestIndex = c;
                }
            }
            int index = GroupReduce.ArgMax(best, bestIndex, values, indices);
            if (Group.IdxX == 0) output[row] = index;
        }
    }
}
