namespace Engine.Models;

/// <summary>config.json rope_scaling (or a GGUF's rope.scaling.*): "llama3" and "linear" change frequencies here.</summary>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings);
