namespace Tests.Shared;

/// <summary>Logits against a reference forward: the largest absolute error under 1e-4 of the largest |logit|.</summary>
public static class LogitsAssert
{
    public static void Close(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        double scale = expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst / scale < 1e-4, $"{what}: max abs error {worst:E3} vs max |logit| {scale:E3} (relative {worst / scale:E3})");
    }
}
