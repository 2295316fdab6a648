namespace Engine.Tokenization;

/// <summary>A token matched verbatim in the text before the model's own tokenization (Hugging Face "added token").
/// Special ones are the control tokens that decoding can skip.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special);
