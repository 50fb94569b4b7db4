using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Settlement.Operations;

namespace Settlement.Host.Api;

/// <summary>Refuses an <c>/api</c> request without the configured key (header <c>X-Api-Key</c>) with 401 problem details.</summary>
public sealed class ApiKeyFilter(IOptions<ApiOptions> options, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key))
            return next(context);

        logger.LogWarning("Refused {Method} {Path} from {RemoteAddress}: {Problem}", context.HttpContext.Request.Method,
            context.HttpContext.Request.Path, context.HttpContext.Connection.RemoteIpAddress, presented.Length == 0 ? "no API key" : "wrong API key");
        return ValueTask.FromResult<object?>(Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: $"Send the API key in the {HeaderName} header."));
    }
}
