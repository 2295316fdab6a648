namespace ModelCacheService.Api;

/// <summary>OpenAI-style error responses: {"error":{"message","type","param","code"}} with a 4xx status for what the client can fix.</summary>
public static class ApiErrors
{
    public static IResult Result(int status, ErrorDetail error) => Results.Json(new { error }, JsonDefaults.Options, statusCode: status);

    public static IResult BadRequest(string message, string? param, string code) =>
        Result(StatusCodes.Status400BadRequest, new ErrorDetail(message, "invalid_request_error", param, code));

    public static IResult NotFound(string message, string? param, string code) =>
        Result(StatusCodes.Status404NotFound, new ErrorDetail(message, "not_found_error", param, code));

    public static IResult Conflict(string message, string? param, string code) =>
        Result(StatusCodes.Status409Conflict, new ErrorDetail(message, "conflict_error", param, code));

    public static IResult InvalidModel(string? model) => BadRequest(
        $"'{model}' is not a model id: expected \"org/name\" (letters, digits, '-', '_', '.'; at most 96 each; no \"--\" or \"..\"), e.g. \"karpathy/stories260K\".",
        "model", "invalid_model");

    public static IResult InvalidRevision(string? revision) => BadRequest(
        $"'{revision}' is not a revision: expected a branch, tag or commit (letters, digits, '.', '_', '-', '/'; no \"..\").",
        "revision", "invalid_revision");
}
