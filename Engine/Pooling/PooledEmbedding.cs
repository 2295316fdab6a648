namespace Engine.Pooling;

/// <summary>A pooled hidden state as an embedding: cut to the first dimensions asked for (Matryoshka) and L2-normalised.</summary>
public static class PooledEmbedding
{
    /// <summary>Normalising the whole vector, cutting it and normalising again is the same as normalising the cut part.</summary>
    public static float[] Normalized(ReadOnlySpan<float> pooled, int dimensions)
    {
        var vector = pooled[..dimensions].ToArray();
        double norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm > 0)
            for (int i = 0; i < vector.Length; i++) vector[i] = (float)(vector[i] / norm);
        return vector;
    }
}
