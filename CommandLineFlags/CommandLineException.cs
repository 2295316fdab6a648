namespace CommandLineFlags;

/// <summary>A command line the program refuses. The message is meant to follow "error: " on stderr.</summary>
public sealed class CommandLineException(string message) : Exception(message)
{
    /// <summary>The exit code of a refused command line (argparse's, hence vLLM's, for usage errors).</summary>
    public const int ExitCode = 2;
}
