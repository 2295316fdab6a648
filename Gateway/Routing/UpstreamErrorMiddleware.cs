using Gateway.Errors;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Routing;

/// <summary>Gives YARP's bodiless upstream failures (502, 504, ...) an OpenAI-shaped body.</summary>
public sealed class UpstreamErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || context.Response.HasStarted) return;
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
