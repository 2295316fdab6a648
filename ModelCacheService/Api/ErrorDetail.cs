namespace ModelCacheService.Api;

/// <summary>The inner object of an OpenAI-style error body: {"error":{"message","type","param","code"}}.</summary>
public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);
