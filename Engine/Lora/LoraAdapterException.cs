namespace Engine.Lora;

/// <summary>An adapter that cannot be served: its message names the adapter and what is wrong with it.</summary>
public sealed class LoraAdapterException(string message, Exception? inner = null) : Exception(message, inner);
