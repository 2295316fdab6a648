namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>Rows × columns of an element-wise op.</summary>
public struct Shape2
{
    public int Rows;
    public int Cols;

    public Shape2(int rows, int cols)
    {
        Rows = rows;
        Cols = cols;
    }

    public readonly long Count => (long)Rows * Cols;
}

/// <summary>output[N, Out] = x[N, In] · weight[Out, In]ᵀ (+ bias). Side: the tiled kernel's thread square (group = Side²).</summary>
public struct MatMulShape
{
    public int N;
    public int Out;
    public int In;
    public int HasBias;
    public int Side;
}

/// <summary>A LoRA delta's rows × rank (shrink) or rows × output columns (expand); Width is the other side of the product
/// (the input width for shrink, the rank for expand).</summary>
public struct LoraShape
{
    public int Rows;
    public int Cols;
    public int Width;

    public readonly long Count => (long)Rows * Cols;
}

/// <summary>RMSNorm over groups of GroupCols columns (a whole row, or one head).</summary>
public struct NormShape
{
    public int Rows;
    public int Cols;
    public int GroupCols;
    public float Eps;
}

public struct RopeShape
{
    public int Rows;
    public int Cols;
    public int HeadDim;
    public int RotaryDim;
}

/// <summary>Paged attention: Tile keys are staged in shared memory at a time.</summary>
public struct AttentionParams
{
    public int Tokens;
    public int Heads;
    public int KvHeads;
    public int HeadDim;
    public int BlockSize;
    public int MaxBlocks;
    public int Tile;
    public float Scale;
    /// <summary>Sliding window (0: every earlier position).</summary>
    public int Window;
    /// <summary>Scores become tanh(s / SoftCap) · SoftCap (0: not capped).</summary>
    public float SoftCap;

    /// <summary>Floats of dynamic shared memory the kernel needs for this shape and tile.</summary>
    public static int SharedFloats(int heads, int kvHeads, int headDim, int tile)
    {
        int group = heads / kvHeads;
        return 2 * group * headDim + tile * (headDim + 1) + group * tile + 3 * group + tile;
    }
}
