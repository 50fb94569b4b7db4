using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Settlement.Orchestration;

namespace Settlement.Host.Api;

/// <summary>
/// Reads what a route was sent, turning every malformed part into the problem details that answer the request.
/// Routes take their GUIDs as strings and read their bodies here, inside the handler, rather than letting minimal APIs bind
/// them: minimal APIs answer a binding failure with a bare 400 that does not say what is wrong, or, with
/// <c>ThrowOnBadRequest</c> (on in Development), throw it before the API key has been checked.
/// </summary>
public static class ApiRequest
{
    /// <summary>The JSON body as <typeparamref name="T"/> (with the API's JSON options), or a 415 or 400 problem saying what is wrong.</summary>
    public static async Task<Parsed<T>> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
            return new(null, Results.Problem($"Send the body as JSON (Content-Type: application/json), not '{EchoedText.Of(request.ContentType)}'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType));

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await request.ReadFromJsonAsync<T>(options, cancellationToken) is { } body
                ? new(body, null)
                : new(null, ApiProblems.BadRequest("The request body is null: send a JSON object."));
        }
        catch (JsonException exception)
        {
            return new(null, ApiProblems.BadRequest(Describe(exception)));
        }
    }

    /// <summary>Where the body went wrong and why, in the client's terms rather than the serializer's.</summary>
    static string Describe(JsonException exception)
    {
        var reason = exception.InnerException is FormatException or InvalidOperationException or OverflowException
            ? exception.InnerException.Message
            : exception.Message;
        var cut = reason.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
            reason = reason[..cut];
        // The serializer's own "could not be converted to <our type>" names a C# type, not what the client sent wrong.
        if (reason.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
            reason = exception.Path == "$" ? "the body must be a JSON object." : "the value has the wrong type or format.";

        // A path names the properties sent: a 4 MB property name is not repeated in full.
        return exception.Path is { } path
            ? $"Malformed request body at {EchoedText.Of(path)} (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}): {reason}"
            : $"Malformed request body: {reason}";
    }

    /// <summary>Parses the GUID of a route segment named <paramref name="name"/>; false with a 400 problem when it is none.</summary>
    public static bool TryParseGuid(string text, string name, out Guid value, [NotNullWhen(false)] out IResult? problem)
    {
        problem = Guid.TryParse(text, out value) ? null : ApiProblems.BadRequest($"{name} '{EchoedText.Of(text)}' is not a GUID.");
        return problem is null;
    }
}

/// <summary>What was read from a request: the value, or the problem that answers the request instead.</summary>
public readonly record struct Parsed<T>(T? Value, IResult? Problem)
    where T : class
{
    public bool TryGet([NotNullWhen(true)] out T? value, [NotNullWhen(false)] out IResult? problem)
    {
        (value, problem) = (Value, Problem);
        return value is not null;
    }
}
