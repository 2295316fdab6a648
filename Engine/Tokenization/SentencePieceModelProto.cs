using Google.Protobuf;

namespace Engine.Tokenization;

/// <summary>The parts of a SentencePiece tokenizer.model (protobuf ModelProto, sentencepiece_model.proto) that
/// encoding needs. Read field by field: the generated classes are not public in any package we use.</summary>
internal sealed class SentencePieceModelProto
{
    public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }

    public readonly record struct Piece(string Text, float Score, PieceType Type);

    public List<Piece> Pieces { get; } = [];
    public int ModelType { get; private set; } = 1;          // 1 unigram, 2 BPE
    public bool ByteFallback { get; private set; }
    public int UnknownId { get; private set; }
    public int BosId { get; private set; } = 1;
    public int EosId { get; private set; } = 2;
    public bool AddDummyPrefix { get; private set; } = true;
    public bool RemoveExtraWhitespaces { get; private set; } = true;
    public bool EscapeWhitespaces { get; private set; } = true;

    /// <summary>A BPE model given as its pieces (a GGUF's tokenizer.ggml.tokens / scores / token_type) and the
    /// normalizer settings llama.cpp applies: spaces escaped, a dummy prefix unless told otherwise, no whitespace folding.</summary>
    public static SentencePieceModelProto FromPieces(IEnumerable<Piece> pieces, int unknownId, int bosId, int eosId, bool addDummyPrefix)
    {
        var proto = new SentencePieceModelProto
        {
            ModelType = 2, UnknownId = unknownId, BosId = bosId, EosId = eosId,
            AddDummyPrefix = addDummyPrefix, RemoveExtraWhitespaces = false, EscapeWhitespaces = true,
        };
        proto.Pieces.AddRange(pieces);
        proto.ByteFallback = proto.Pieces.Any(p => p.Type == PieceType.Byte);
        return proto;
    }

    public static SentencePieceModelProto Read(string path)
    {
        var proto = new SentencePieceModelProto();
        ForEachField(new CodedInputStream(File.ReadAllBytes(path)), (field, input) =>
        {
            switch (field)
            {
                case 1: proto.Pieces.Add(ReadPiece(input.ReadBytes())); return true;
                case 2: proto.ReadTrainerSpec(input.ReadBytes()); return true;
                case 3: proto.ReadNormalizerSpec(input.ReadBytes()); return true;
                default: return false;
            }
        });
        return proto;
    }

    private static Piece ReadPiece(ByteString bytes)
    {
        string text = ""; float score = 0; var type = PieceType.Normal;
        ForEachField(bytes.CreateCodedInput(), (field, input) =>
        {
            switch (field)
            {
                case 1: text = input.ReadString(); return true;
                case 2: score = input.ReadFloat(); return true;
                case 3: type = (PieceType)input.ReadEnum(); return true;
                default: return false;
            }
        });
        return new Piece(text, score, type);
    }

    private void ReadTrainerSpec(ByteString bytes) => ForEachField(bytes.CreateCodedInput(), (field, input) =>
    {
        switch (field)
        {
            case 3: ModelType = input.ReadEnum(); return true;
            case 35: ByteFallback = input.ReadBool(); return true;
            case 40: UnknownId = input.ReadInt32(); return true;
            case 41: BosId = input.ReadInt32(); return true;
            case 42: EosId = input.ReadInt32(); return true;
            default: return false;
        }
    });

    private void ReadNormalizerSpec(ByteString bytes) => ForEachField(bytes.CreateCodedInput(), (field, input) =>
    {
        switch (field)
        {
            case 3: AddDummyPrefix = input.ReadBool(); return true;
            case 4: RemoveExtraWhitespaces = input.ReadBool(); return true;
            case 5: EscapeWhitespaces = input.ReadBool(); return true;
            default: return false;
        }
    });

    /// <summary>Calls <paramref name="read"/> for each field; fields it does not read (returns false) are skipped.</summary>
    private static void ForEachField(CodedInputStream input, Func<int, CodedInputStream, bool> read)
    {
        for (uint tag; (tag = input.ReadTag()) != 0;)
            if (!read(WireFormat.GetTagFieldNumber(tag), input)) input.SkipLastField();
    }
}
