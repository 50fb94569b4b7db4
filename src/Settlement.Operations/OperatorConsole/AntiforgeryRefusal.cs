using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Settlement.Operations.OperatorConsole;

/// <summary>
/// A console form posted without its antiforgery token (or with a stale one) is refused with 400, as Razor Pages does,
/// but with a sentence that says what to do rather than an empty body; and the refusal is logged.
/// </summary>
sealed class AntiforgeryRefusal(ILogger<AntiforgeryRefusal> logger) : IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not IAntiforgeryValidationFailedResult)
            return;

        var request = context.HttpContext.Request;
        logger.LogWarning("Refused {Method} {Path} from {RemoteAddress}: no valid antiforgery token", request.Method, request.Path,
            context.HttpContext.Connection.RemoteIpAddress);
        context.Result = new ContentResult
        {
            StatusCode = StatusCodes.Status400BadRequest,
            ContentType = "text/plain; charset=utf-8",
            Content = "Refused: this form was sent without a valid antiforgery token, so nothing was done. " +
                      "Open the page again in the console and send the form from there.",
        };
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
