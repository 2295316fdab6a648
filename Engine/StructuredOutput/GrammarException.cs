namespace Engine.StructuredOutput;

/// <summary>A grammar that cannot be compiled: an unsupported JSON-schema keyword or regex construct, a value out of
/// range, a schema no value satisfies, or one too large. The message says what and where (a JSON pointer into the schema).</summary>
public sealed class GrammarException(string message) : ArgumentException(message);
