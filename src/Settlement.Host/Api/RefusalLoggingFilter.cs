using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Settlement.Host.Api;

/// <summary>
/// Logs every request an <c>/api</c> route refuses with a client error (400, 409, 415…) at Warning, with the problem's
/// detail and trace id, so a rejected trade or deposit can be found in the logs, not only in the caller's answer.
/// (The framework's own request logs are below the service's level for Microsoft.AspNetCore.)
/// </summary>
public sealed class RefusalLoggingFilter(ILogger<RefusalLoggingFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (result is ProblemHttpResult { StatusCode: >= 400 and < 500 } problem)
        {
            var request = context.HttpContext.Request;
            logger.LogWarning("Refused {Method} {Path} with {Status}: {Detail} (trace {TraceId})", request.Method, request.Path,
                problem.StatusCode, problem.ProblemDetails.Detail, Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        }

        return result;
    }
}
