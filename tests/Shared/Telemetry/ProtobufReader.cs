namespace Tests.Shared;

/// <summary>
/// Walks protobuf wire format (varint, 64-bit, length-delimited, 32-bit fields): enough to read the OTLP
/// export requests without generated code.
/// </summary>
public sealed class ProtobufReader(byte[] data, int start, int end)
{
    private int _position = start;

    public ProtobufReader(byte[] data) : this(data, 0, data.Length)
    {
    }

    /// <summary>Moves to the next field; false at the end.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (_position >= end)
        {
            (field, wireType) = (0, 0);
            return false;
        }
        var tag = ReadVarint();
        (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("Malformed varint.");
    }

    /// <summary>A length-delimited field as a reader over its bytes (a nested message).</summary>
    public ProtobufReader ReadMessage()
    {
        var length = (int)ReadVarint();
        var reader = new ProtobufReader(data, _position, _position + length);
        _position += length;
        return reader;
    }

    public byte[] ReadBytes()
    {
        var length = (int)ReadVarint();
        var bytes = data.AsSpan(_position, length).ToArray();
        _position += length;
        return bytes;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: _position += 8; break;
            case 2:
                var length = (int)ReadVarint(); // Read before adding: ReadVarint moves _position.
                _position += length;
                break;
            case 5: _position += 4; break;
            default: throw new InvalidDataException($"Unsupported wire type {wireType}.");
        }
    }
}
