namespace Gateway.Configuration;

/// <summary>A setting the gateway cannot start with; the message names it. Reported as "error: ..." with exit code 1, no stack trace.</summary>
public sealed class InvalidSettingException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const int ExitCode = 1;
}
