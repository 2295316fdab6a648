namespace InferenceService.Embeddings;

/// <summary>How an embedding (<see cref="Engine.Pooling.PooledEmbedding"/>) is written in the response: as floats or as
/// base64 of little-endian float32 (OpenAI's two encodings).</summary>
public static class EmbeddingVector
{
    public static object Encode(float[] vector, bool base64)
    {
        if (!base64) return vector;
        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return Convert.ToBase64String(bytes);
    }
}
