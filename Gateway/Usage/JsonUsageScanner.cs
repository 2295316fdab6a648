using System.Buffers;
using System.Text.Json;

namespace Gateway.Usage;

/// <summary>
/// Finds the top-level "usage" object of a JSON response while its bytes pass, whatever the response's size: it follows
/// strings and nesting byte by byte (no copy of the response) and keeps only the usage object's own bytes, which it
/// parses when the object closes. A response that is not a JSON object simply yields no usage.
/// </summary>
public sealed class JsonUsageScanner
{
    // A usage object is a few hundred bytes; anything far larger is not one.
    private const int MaxUsageBytes = 64 * 1024;

    private int _depth;
    private bool _inString, _escaped;
    private readonly ArrayBufferWriter<byte> _key = new();   // the last string at depth 1 (a key, once ':' follows it)
    private bool _keyIsUsage, _afterUsageColon;
    private ArrayBufferWriter<byte>? _usage;                 // the usage object's bytes while inside it

    public TokenUsage? Usage { get; private set; }

    public void Push(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (Usage is not null) return;
            if (_usage is not null)
            {
                if (_usage.WrittenCount >= MaxUsageBytes) _usage = null;
                else _usage.Write([b]);
            }
            if (_inString)
            {
                if (_escaped) _escaped = false;
                else if (b == '\\') _escaped = true;
                else if (b == '"') _inString = false;
                else if (_depth == 1 && _key.WrittenCount < 8) _key.Write([b]);
                continue;
            }
            switch (b)
            {
                case (byte)'"':
                    _inString = true;
                    if (_depth == 1) _key.Clear();
                    break;
                case (byte)':' when _depth == 1:
                    _keyIsUsage = _key.WrittenSpan.SequenceEqual("usage"u8);
                    _afterUsageColon = _keyIsUsage;
                    break;
                case (byte)'{' or (byte)'[':
                    if (_afterUsageColon && _depth == 1 && b == '{') _usage = Start(b);
                    _afterUsageColon = false;
                    _depth++;
                    break;
                case (byte)'}' or (byte)']':
                    _depth--;
                    if (_depth == 1 && _usage is not null) Usage = Parse(_usage);
                    break;
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    break;
                default:
                    _afterUsageColon = false;
                    break;
            }
        }
    }

    private static ArrayBufferWriter<byte> Start(byte open)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([open]);
        return buffer;
    }

    private TokenUsage? Parse(ArrayBufferWriter<byte> usage)
    {
        _usage = null;
        try
        {
            using var document = JsonDocument.Parse(usage.WrittenMemory);
            return TokenUsage.Of(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
