using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Tokenization;

/// <summary>An <see cref="ITextTokenizer"/> over a token model: cuts added tokens out of the text, adds BOS,
/// and decodes through raw bytes so that byte pieces of one character join before UTF-8 decoding.</summary>
internal sealed class TextTokenizer : ITextTokenizer
{
    private readonly ITokenModel _model;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;

    private readonly bool _addEosToken;

    public TextTokenizer(ITokenModel model, IEnumerable<AddedToken> addedTokens, string? bosToken, string? eosToken, bool addBosToken, bool addEosToken = false)
    {
        _model = model;
        _addedById = [];
        foreach (var token in addedTokens) _addedById[token.Id] = token; // later sources override earlier ones
        _addedByContent = _addedById.Values.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First());
        _splitter = new AddedTokenSplitter(_addedById.Values);
        VocabSize = Math.Max(model.VocabSize, _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);

        BosToken = bosToken;
        BosTokenId = bosToken is null ? null : TokenToId(bosToken);
        EosToken = eosToken;
        EosTokenIds = eosToken is not null && TokenToId(eosToken) is int eos ? [eos] : [];
        AddBosToken = addBosToken && BosTokenId is not null;
        _addEosToken = addEosToken && EosTokenIds.Count > 0;
    }

    public int VocabSize { get; }
    public int? BosTokenId { get; }
    public string? BosToken { get; }
    public string? EosToken { get; }
    public IReadOnlyList<int> EosTokenIds { get; }
    public bool AddBosToken { get; }

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        var ids = new List<int>();
        if (addSpecialTokens && AddBosToken) ids.Add(BosTokenId!.Value);
        foreach (var (start, length, token) in _splitter.Split(text))
        {
            if (token is not null) ids.Add(token.Id);
            else _model.Encode(text.Substring(start, length), start == 0, ids);
        }
        if (addSpecialTokens && _addEosToken) ids.Add(EosTokenIds[0]);
        return ids;
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        var bytes = new List<byte>(ids.Count * 4);
        foreach (int id in ids)
        {
            if (!_addedById.TryGetValue(id, out var added)) _model.AppendBytes(id, bytes);
            else if (!(skipSpecialTokens && added.Special)) bytes.AddRange(Encoding.UTF8.GetBytes(added.Content));
        }
        return _model.FinishDecode(Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes)));
    }

    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out var added) && added.Special;

    public string? IdToToken(int id) => _addedById.TryGetValue(id, out var added) ? added.Content : _model.IdToToken(id);

    public byte[] TokenBytes(int id)
    {
        if (_addedById.TryGetValue(id, out var added)) return added.Special ? [] : Encoding.UTF8.GetBytes(added.Content);
        var bytes = new List<byte>();
        _model.AppendBytes(id, bytes);
        return [.. bytes];
    }

    public int? TokenToId(string token) => _addedByContent.TryGetValue(token, out var added) ? added.Id : _model.TokenToId(token);
}
