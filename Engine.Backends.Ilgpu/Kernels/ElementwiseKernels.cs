using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// Kernels where each output element depends on a few inputs: grid-stride loops over rows × columns of
/// (row-strided) F32 tensors. Views start at the tensor's first element; strides are in elements.
/// </summary>
public static class ElementwiseKernels
{
    private static long First => (long)Grid.IdxX * Group.DimX + Group.IdxX;
    private static long Step => (long)Grid.DimX * Group.DimX;

    /// <summary>output[r] = table[ids[r]] (a weight matrix in any format).</summary>
    public static void Embed<TFormat>(ArrayView<ulong> table, int tableStride, ArrayView<int> ids, ArrayView<float> output, int outStride, Shape2 s)
        where TFormat : struct, IWeightFormat =>
        EmbedRows(new DenseRows<TFormat>(table, tableStride), ids, output, outStride, s);

    /// <summary>output[r] = table[ids[r]], the table in any row form.</summary>
    internal static void EmbedRows<TRows>(TRows table, ArrayView<int> ids, ArrayView<float> output, int outStride, Shape2 s)
        where TRows : struct, IWeightRows
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            output[(long)row * outStride + col] = table.At(ids[row], col);
        }
    }

    /// <summary>Rotate-half RoPE in place at each row's position over the first RotaryDim dimensions of each head (pairs
    /// k and k + RotaryDim/2); cos/sin are [positions, RotaryDim/2].</summary>
    public static void Rope(ArrayView<float> x, int xStride, ArrayView<float> cos, ArrayView<float> sin, ArrayView<int> positions, RopeShape s)
    {
        int half = s.RotaryDim / 2;
        int pairsPerRow = s.Cols / s.HeadDim * half;
        long count = (long)s.Rows * pairsPerRow;
        for (long i = First; i < count; i += Step)
        {
            int row = (int)(i / pairsPerRow), pair = (int)(i % pairsPerRow);
            int head = pair / half, k = pair % half;
            long table = (long)positions[row] * half + k;
            float c = cos[table], sn = sin[table];
            long at = (long)row * xStride + head * s.HeadDim + k;
            float a = x[at], b = x[at + half];
            x[at] = a * c - b * sn;
            x[at + half] = b * c + a * sn;
        }
    }

    /// <summary>Encodes each token's K and V rows into its cache slot (slot &lt; 0: not cached), a whole word per
    /// thread: s is (tokens, words per cache row), <paramref name="cols"/> the row's elements (the rest of the last word is 0).</summary>
    public static void WriteKv<TKv>(ArrayView<float> k, int kStride, ArrayView<float> v, int vStride,
        ArrayView<uint> keyCache, ArrayView<uint> valueCache, ArrayView<int> slots, int cols, Shape2 s) where TKv : struct, IKvFormat
    {
        int per = default(TKv).PerWord, width = 32 / per;
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), word = (int)(i % s.Cols);
            int slot = slots[row];
            if (slot < 0) continue;
            uint keyWord = 0, valueWord = 0;
            for (int e = 0; e < per; e++)
            {
                int col = word * per + e;
                if (col >= cols) break;
                keyWord |= default(TKv).Encode(k[(long)row * kStride + col]) << (width * e);
                valueWord |= default(TKv).Encode(v[(long)row * vStride + col]) << (width * e);
            }
            keyCache[(long)slot * s.Cols + word] = keyWord;
            valueCache[(long)slot * s.Cols + word] = valueWord;
        }
    }

    /// <summary>output = silu(gate) · up with gateUp = [gate | up]; s.Cols is the output width.</summary>
    public static void SiluMul(ArrayView<float> gateUp, int gateUpStride, ArrayView<float> output, int outStride, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            long at = (long)row * gateUpStride + col;
            float gate = gateUp[at];
            output[(long)row * outStride + col] = gate / (1f + MathF.Exp(-gate)) * gateUp[at + s.Cols];
        }
    }

    /// <summary>output = gelu_tanh(gate) · up with gateUp = [gate | up] (GeGLU); s.Cols is the output width.</summary>
    public static void GeluTanhMul(ArrayView<float> gateUp, int gateUpStride, ArrayView<float> output, int outStride, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            long at = (long)row * gateUpStride + col;
            float gate = gateUp[at];
            float inner = 0.7978845608f * gate * (1f + 0.044715f * gate * gate);   // sqrt(2/π) · (g + 0.044715 g³)
            output[(long)row * outStride + col] = 0.5f * gate * (1f + Tanh(inner)) * gateUp[at + s.Cols];
        }
    }

    /// <summary>x *= factor.</summary>
    public static void Scale(ArrayView<float> x, int xStride, float factor, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            x[(long)row * xStride + col] *= factor;
        }
    }

    /// <summary>x = tanh(x / cap) · cap.</summary>
    public static void SoftCap(ArrayView<float> x, int xStride, float cap, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            long at = (long)row * xStride + col;
            x[at] = Tanh(x[at] / cap) * cap;
        }
    }

    /// <summary>tanh through exp, which every accelerator has: 1 − 2 / (e^2x + 1) saturates to ±1 without overflow.</summary>
    internal static float Tanh(float x) => 1f - 2f / (MathF.Exp(2f * x) + 1f);

    /// <summary>x += y.</summary>
    public static void Add(ArrayView<float> x, int xStride, ArrayView<float> y, int yStride, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            x[(long)row * xStride + col] += y[(long)row * yStride + col];
        }
    }

    /// <summary>x[r] += bias.</summary>
    public static void AddBias(ArrayView<float> x, int xStride, ArrayView<float> bias, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            x[(long)row * xStride + col] += bias[col];
        }
    }

    /// <summary>output[r] = x[rows[r]].</summary>
    public static void GatherRows(ArrayView<float> x, int xStride, ArrayView<int> rows, ArrayView<float> output, int outStride, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            output[(long)row * outStride + col] = x[(long)rows[row] * xStride + col];
        }
    }

    /// <summary>x[rows[r]] += weights[r] · y[r] (rows distinct: no two threads add to one element).</summary>
    public static void AddScaledRows(ArrayView<float> x, int xStride, ArrayView<float> y, int yStride, ArrayView<int> rows, ArrayView<float> weights, Shape2 s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            x[(long)rows[row] * xStride + col] += weights[row] * y[(long)row * yStride + col];
        }
    }

    /// <summary>reduced[r, j] = scale · x[rows[r]] · down[j] (down [rank, in] row-major): a LoRA delta's first product.</summary>
    public static void LoraShrink(ArrayView<float> x, int xStride, ArrayView<int> rows, ArrayView<float> down, float scale, ArrayView<float> reduced, LoraShape s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), j = (int)(i % s.Cols);
            long input = (long)rows[row] * xStride, weight = (long)j * s.Width;
            float sum = 0;
            for (int k = 0; k < s.Width; k++) sum += x[input + k] * down[weight + k];
            reduced[i] = scale * sum;
        }
    }

    /// <summary>output[rows[r]] += reduced[r] · up (up [rank, out] row-major): a LoRA delta added (rows distinct).</summary>
    public static void LoraExpand(ArrayView<float> reduced, ArrayView<float> up, ArrayView<int> rows, ArrayView<float> output, int outStride, LoraShape s)
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            float sum = 0;
            for (int j = 0; j < s.Width; j++) sum += reduced[(long)row * s.Width + j] * up[(long)j * s.Cols + col];
            output[(long)rows[row] * outStride + col] += sum;
        }
    }

    /// <summary>Dense 16-bit copy of x ([Rows, Cols], row stride Cols) in the weight's format: the B operand of a 16-bit GEMM.</summary>
    public static void Encode16<TFormat>(ArrayView<float> x, int xStride, ArrayView<ushort> output, Shape2 s)
        where TFormat : struct, IWeightFormat
    {
        for (long i = First; i < s.Count; i += Step)
        {
            int row = (int)(i / s.Cols), col = (int)(i % s.Cols);
            output[i] = default(TFormat).Encode(x[(long)row * xStride + col]);
        }
    }
}
