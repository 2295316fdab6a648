using System.Text;
using Gateway.Usage;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Components;

/// <summary>Usage found in streamed and plain responses, however the bytes are cut into writes.</summary>
public sealed class UsageMeteringTests
{
    private const string Chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n";
    private const string UsageChunk = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}\n\n";
    private const string Done = "data: [DONE]\n\n";
    private const string Stream = Chunk + Chunk + UsageChunk + Done;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task Streams_pass_through_unchanged_and_usage_is_metered_once(int writeSize)
    {
        var (output, usages, _) = await RunAsync(Stream, "text/event-stream", writeSize, dropUsageChunk: false);
        Assert.Equal(Stream, output);
        Assert.Equal([new TokenUsage(7, 5)], usages);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(1000)]
    public async Task With_injected_usage_the_usage_chunk_is_left_out(int writeSize)
    {
        var (output, usages, _) = await RunAsync(Stream.Replace("\n", "\r\n"), "text/event-stream", writeSize, dropUsageChunk: true);
        Assert.Equal((Chunk + Chunk + Done).Replace("\n", "\r\n"), output);
        Assert.Equal([new TokenUsage(7, 5)], usages);
    }

    [Fact]
    public async Task Usage_is_found_whatever_the_spacing_and_null_usage_is_ignored()
    {
        var spaced = "data: {\"choices\": [], \"usage\" :\t {\"prompt_tokens\": 2, \"completion_tokens\": 9}}\n\n";
        var nulls = "data: {\"usage\" : null, \"choices\": [{\"text\": \"\\\"usage\\\": {\"}]}\n\n";
        var (output, usages, _) = await RunAsync(nulls + spaced + Done, "text/event-stream", 3, dropUsageChunk: true);
        Assert.Equal([new TokenUsage(2, 9)], usages);
        Assert.Equal(nulls + Done, output);
    }

    [Fact]
    public async Task Bytes_pass_on_without_waiting_for_the_charge()
    {
        var context = new DefaultHttpContext();
        context.Response.ContentType = "text/event-stream";
        var sink = new MemoryStream();
        var charge = new TaskCompletionSource();
        var metering = new UsageMeteringStream(sink, context.Response, dropUsageChunk: false, _ => new ValueTask(charge.Task));
        await metering.WriteAsync(Encoding.UTF8.GetBytes(Stream));
        await metering.FinishAsync(CancellationToken.None);

        Assert.Equal(Stream.Length, sink.Length); // Everything passed on while Redis has not answered yet.
        Assert.False(metering.Charged.IsCompleted);
        charge.SetResult();
        await metering.Charged;
    }

    [Fact]
    public async Task The_charge_starts_before_the_bytes_that_carry_the_usage_reach_the_client()
    {
        var (_, _, writtenBeforeUsage) = await RunAsync(Stream, "text/event-stream", Stream.Length, dropUsageChunk: false);
        Assert.Equal(0, writtenBeforeUsage);

        var json = "{\"id\":\"x\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
        var (output, usages, beforeJsonUsage) = await RunAsync(json, "application/json", 5, dropUsageChunk: false, contentLength: json.Length);
        Assert.Equal(json, output);
        Assert.Equal([new TokenUsage(3, 4)], usages);
        // Metered just before the last write (the one completing Content-Length) went out.
        Assert.Equal((json.Length - 1) / 5 * 5, beforeJsonUsage);
    }

    [Fact]
    public async Task Json_is_metered_from_its_top_level_usage_only_with_or_without_content_length_and_errors_are_not_metered()
    {
        var json = "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}";
        var (_, usages, _) = await RunAsync(json, "application/json; charset=utf-8", 4, dropUsageChunk: false);
        Assert.Equal([new TokenUsage(1, 2)], usages);

        // "usage" inside strings and nested objects is not the response's usage; its own comes last, after 20 MB of text.
        var decoys = "{\"choices\":[{\"text\":\"\\\"usage\\\":{\\\"prompt_tokens\\\":99}\",\"usage\":{\"prompt_tokens\":98}}]," +
                     "\"text\":\"" + new string('x', 20_000_000) + "\",\"usage\" : {\"prompt_tokens\":5,\"completion_tokens\":6," +
                     "\"completion_tokens_details\":{\"reasoning_tokens\":97}}}";
        var (_, decoyUsages, _) = await RunAsync(decoys, "application/json", 65536, dropUsageChunk: false);
        Assert.Equal([new TokenUsage(5, 6)], decoyUsages);

        var (_, errorUsages, _) = await RunAsync(json, "application/json", 4, dropUsageChunk: false, status: 400);
        Assert.Empty(errorUsages);
    }

    private static async Task<(string Output, List<TokenUsage> Usages, long WrittenBeforeUsage)> RunAsync(
        string body, string contentType, int writeSize, bool dropUsageChunk, long? contentLength = null, int status = 200)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = contentLength;
        var sink = new MemoryStream();
        var usages = new List<TokenUsage>();
        long writtenBeforeUsage = -1;
        var metering = new UsageMeteringStream(sink, context.Response, dropUsageChunk, usage =>
        {
            usages.Add(usage);
            writtenBeforeUsage = sink.Length;
            return ValueTask.CompletedTask;
        });
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var offset = 0; offset < bytes.Length; offset += writeSize)
            await metering.WriteAsync(bytes.AsMemory(offset, Math.Min(writeSize, bytes.Length - offset)));
        await metering.FinishAsync(CancellationToken.None);
        await metering.Charged;
        return (Encoding.UTF8.GetString(sink.ToArray()), usages, writtenBeforeUsage);
    }
}
