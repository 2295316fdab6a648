using Gateway.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Routing;

/// <summary>Gives YARP's bodiless upstream failures (502, 504, ...) an OpenAI-shaped body, and so a replica's bodiless
/// 404 (a path it does not serve) too.</summary>
public sealed class UpstreamErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.HasStarted) return;   // the replica wrote its answer (and its own error bodies)
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null)
        {
            if (context.Response.StatusCode == StatusCodes.Status404NotFound)
            {
                context.Response.ContentLength = null;
                await OpenAiError.NotFoundAsync(context, $"Unknown path {context.Request.Path}.", "unknown_path");
            }
            return;
        }
        var status = context.Response.StatusCode >= 400 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
        var message = error.Error switch
        {
            ForwarderError.RequestTimedOut => "The inference replica did not answer in time.",
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => "The request was canceled.",
            ForwarderError.RequestBodyClient => "The request body could not be read.",
            _ => "The inference replica could not be reached or failed while answering.",
        };
        var type = status < 500 ? OpenAiError.InvalidRequest : "api_error";
        await OpenAiError.WriteAsync(context, status, message, type, "upstream_error");
    }
}
