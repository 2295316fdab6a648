namespace Engine.Models;

/// <summary>config.json rope_scaling; only the "llama3" type changes frequencies here.</summary>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings);
