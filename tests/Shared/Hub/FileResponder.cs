using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Tests.Shared;

/// <summary>
/// Sends a file body the way the hub or CDN does (Content-Length, Accept-Ranges, 206 for "Range: bytes=N-"),
/// and misbehaves on request: throttled, cut part-way (the connection aborted), or with a byte flipped.
/// </summary>
public static class FileResponder
{
    public static async Task SendAsync(HttpContext context, HubFile file, HubSwitches switches, bool cutThisOne)
    {
        var content = switches.CorruptLfs && file.IsLfs ? Corrupted(file.Content) : file.Content;
        if (file.IsLfs && switches.LfsExtraBytes > 0) content = [.. content, .. new byte[switches.LfsExtraBytes]];
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers.AcceptRanges = "bytes";

        long start = 0;
        if (RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range)
            && range.Unit == "bytes" && range.Ranges.Count == 1 && range.Ranges.First().From is { } from)
        {
            if (from >= content.Length)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }
            start = from;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }
        response.ContentLength = content.Length - start;
        if (HttpMethods.IsHead(context.Request.Method)) return;

        var cutAt = cutThisOne && switches.CutAfterBytes > 0 ? switches.CutAfterBytes : long.MaxValue;
        var rate = switches.ThrottleBytesPerSecond;
        var chunk = rate > 0 ? Math.Max(512, rate / 20) : 64 * 1024;
        var clock = Stopwatch.StartNew();
        long sent = 0;
        for (var position = start; position < content.Length;)
        {
            if (position >= cutAt)
            {
                await response.Body.FlushAsync();
                await Task.Delay(100); // Let the client read what was sent before the connection drops.
                context.Abort();
                return;
            }
            var count = (int)Math.Min(Math.Min(chunk, content.Length - position), cutAt - position);
            await response.Body.WriteAsync(content.AsMemory((int)position, count));
            position += count;
            sent += count;
            if (rate > 0)
            {
                await response.Body.FlushAsync();
                var due = TimeSpan.FromSeconds(sent / (double)rate) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);   // the throttled download the test asked for
            }
        }
    }

    private static byte[] Corrupted(byte[] content)
    {
        var copy = (byte[])content.Clone();
        copy[copy.Length / 2] ^= 0xFF;
        return copy;
    }
}
