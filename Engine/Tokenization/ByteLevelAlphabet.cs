using System.Text;

namespace Engine.Tokenization;

/// <summary>GPT-2's byte-to-character table: byte-level BPE vocabularies store every byte as a printable
/// character (space is 'Ġ', newline 'Ċ'), so tokens are strings of these characters.</summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = new char[256];
    private static readonly int[] CharToByte = new int[512];

    static ByteLevelAlphabet()
    {
        Array.Fill(CharToByte, -1);
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
            ByteToChar[b] = printable ? (char)b : (char)next++;
            CharToByte[ByteToChar[b]] = b;
        }
    }

    /// <summary>The vocabulary spelling of some text: its UTF-8 bytes as table characters.</summary>
    public static string Encode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, bytes);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>Appends the bytes a vocabulary token stands for.</summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        foreach (char c in token)
        {
            if (c < CharToByte.Length && CharToByte[c] >= 0) bytes.Add((byte)CharToByte[c]);
            else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString())); // not from the table: keep the character as is
        }
    }
}
