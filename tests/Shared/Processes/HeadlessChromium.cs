namespace Tests.Shared;

/// <summary>How browser tests start Debian's chromium through Playwright: offline, no download (no `playwright install`).</summary>
public static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
}
