namespace Settlement.Host.Api;

/// <summary>The API's RFC 7807 answers (<c>application/problem+json</c>): the status's title and a detail saying what is wrong.</summary>
public static class ApiProblems
{
    public static IResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, extensions: extensions);

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, extensions: extensions);

    /// <summary>
    /// 503 with <c>Retry-After</c>: the message broker did not confirm a message the request sent within
    /// <c>RabbitMq:PublishTimeout</c>.
    /// </summary>
    public static IResult BrokerUnavailable(HttpResponse response, string detail)
    {
        response.Headers.RetryAfter = RetryAfterSeconds;
        return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>When to ask again after a 503 for the broker: a node lost from a cluster is replaced within seconds.</summary>
    const string RetryAfterSeconds = "5";

    /// <summary>"Missing required fields: currency, amount." naming the fields whose value is null or blank; null when none is.</summary>
    public static string? MissingFields(params (string Name, object? Value)[] fields)
    {
        var missing = fields.Where(f => f.Value is null || f.Value is string text && string.IsNullOrWhiteSpace(text)).Select(f => f.Name).ToList();
        return missing.Count == 0 ? null : $"Missing required field{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing)}.";
    }
}
