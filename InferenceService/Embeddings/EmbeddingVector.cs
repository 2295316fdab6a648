namespace InferenceService.Embeddings;

/// <summary>What a pooled hidden state becomes in the response: cut to the first `dimensions` (Matryoshka) and
/// L2-normalised, then written as floats or as base64 of little-endian float32 (OpenAI's two encodings).</summary>
public static class EmbeddingVector
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

    public static object Encode(float[] vector, bool base64)
    {
        if (!base64) return vector;
        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return Convert.ToBase64String(bytes);
    }
}
