using System.Text;
using PieceType = Engine.Tokenization.SentencePieceModelProto.PieceType;

namespace Engine.Tokenization;

/// <summary>SentencePiece BPE (Llama 2, Mistral, TinyLlama tokenizer.model) encoded as sentencepiece's bpe_model.cc
/// does: spaces become '▁' and a dummy '▁' is prepended; then, repeatedly, the adjacent pair whose concatenation is
/// the highest-scoring piece merges (leftmost on ties); characters left outside the vocabulary become &lt;0xXX&gt;
/// byte pieces. Microsoft.ML.Tokenizers' LlamaTokenizer cuts long runs of one character ("!!!!!!") differently.</summary>
internal sealed class SentencePieceBpeModel : ITokenModel
{
    private const char Space = '▁';

    private readonly SentencePieceModelProto _proto;
    private readonly bool _legacy;
    private readonly Dictionary<string, int> _ids = [];
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _mergeable; // what a merge may produce
    private readonly byte[][] _bytes;                                                        // id -> the bytes it decodes to
    private readonly int[] _byteIds = new int[256];                                          // byte -> its <0xXX> piece

    /// <param name="legacy">Hugging Face's Llama "legacy" mode: text after an added token gets the dummy prefix too.</param>
    public SentencePieceBpeModel(SentencePieceModelProto proto, bool legacy)
    {
        if (proto.ModelType != 2) throw new NotSupportedException($"SentencePiece model type {proto.ModelType} is not BPE (2).");
        _proto = proto;
        _legacy = legacy;
        var mergeable = new Dictionary<string, int>();
        _bytes = new byte[proto.Pieces.Count][];
        for (int id = 0; id < proto.Pieces.Count; id++)
        {
            var piece = proto.Pieces[id];
            _ids.TryAdd(piece.Text, id);
            _bytes[id] = [];
            switch (piece.Type)
            {
                case PieceType.Normal or PieceType.UserDefined:
                    mergeable.TryAdd(piece.Text, id);
                    _bytes[id] = Encoding.UTF8.GetBytes(piece.Text.Replace(Space, ' '));
                    break;
                case PieceType.Byte:
                    byte value = Convert.ToByte(piece.Text[3..5], 16); // "<0xE2>"
                    _byteIds[value] = id;
                    _bytes[id] = [value];
                    break;
            }
        }
        _mergeable = mergeable.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int VocabSize => _proto.Pieces.Count;

    public void Encode(string text, bool atStartOfText, List<int> ids)
    {
        string normalized = Normalize(text, _proto.AddDummyPrefix && (_legacy || atStartOfText));
        foreach (var (start, length) in Merge(normalized))
        {
            var piece = normalized.AsSpan(start, length);
            if (_mergeable.TryGetValue(piece, out int id)) ids.Add(id);
            else if (!_proto.ByteFallback) ids.Add(_proto.UnknownId);
            else foreach (byte b in Encoding.UTF8.GetBytes(piece.ToString())) ids.Add(_byteIds[b]);
        }
    }

    private string Normalize(string text, bool addDummyPrefix)
    {
        if (_proto.RemoveExtraWhitespaces) text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0) return "";
        if (_proto.EscapeWhitespaces) text = text.Replace(' ', Space);
        return addDummyPrefix ? (_proto.EscapeWhitespaces ? Space : ' ') + text : text;
    }

    /// <summary>The BPE merge loop over a linked list of symbols, with a priority queue of candidate pairs;
    /// entries made stale by an earlier merge are recognised by their length and dropped.</summary>
    private List<(int Start, int Length)> Merge(string text)
    {
        var start = new List<int>();
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1) start.Add(i);
        int n = start.Count;
        var length = new int[n];
        var next = new int[n];
        var prev = new int[n];
        for (int i = 0; i < n; i++)
        {
            length[i] = (i + 1 < n ? start[i + 1] : text.Length) - start[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        var agenda = new PriorityQueue<(int Left, int Right, int Length), (float Score, int Left)>(
            Comparer<(float Score, int Left)>.Create((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        void Consider(int left, int right)
        {
            if (left < 0 || right < 0) return;
            int pairLength = length[left] + length[right];
            if (_mergeable.TryGetValue(text.AsSpan(start[left], pairLength), out int id))
                agenda.Enqueue((left, right, pairLength), (_proto.Pieces[id].Score, left));
        }
        for (int i = 0; i + 1 < n; i++) Consider(i, i + 1);

        while (agenda.TryDequeue(out var pair, out _))
        {
            var (left, right, pairLength) = pair;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != pairLength) continue; // stale
            length[left] = pairLength;
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            Consider(prev[left], left);
            Consider(left, next[left]);
        }

        var symbols = new List<(int, int)>();
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) symbols.Add((start[i], length[i]));
        return symbols;
    }

    public void AppendBytes(int id, List<byte> bytes)
    {
        if ((uint)id < (uint)_bytes.Length) bytes.AddRange(_bytes[id]);
    }

    /// <summary>Drops the dummy prefix's space at the start of the text, as Hugging Face's Llama decoder does.</summary>
    public string FinishDecode(string text) => _proto.AddDummyPrefix && text.StartsWith(' ') ? text[1..] : text;

    public string? IdToToken(int id) => (uint)id < (uint)_proto.Pieces.Count ? _proto.Pieces[id].Text : null;

    public int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    /// <summary>Control and unknown pieces ("&lt;s&gt;", "&lt;/s&gt;", "&lt;unk&gt;") act as special added tokens.</summary>
    public IEnumerable<AddedToken> SpecialPieces() =>
        _proto.Pieces.Select((p, id) => (p, id))
            .Where(x => x.p.Type is PieceType.Control or PieceType.Unknown)
            .Select(x => new AddedToken(x.id, x.p.Text, Special: true));
}
