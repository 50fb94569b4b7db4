using Microsoft.AspNetCore.Http.HttpResults;
using Settlement.Operations.DeadLetters;

namespace Settlement.Host.Api;

/// <summary>The dead-letter routes under <c>/api/dead-letters</c>, on <see cref="DeadLetterService"/> (Settlement.Operations).</summary>
public static class DeadLetterRoutes
{
    public static RouteGroupBuilder MapDeadLetterRoutes(this RouteGroupBuilder api)
    {
        var deadLetters = api.MapGroup("/dead-letters");
        deadLetters.MapGet("/", List);
        deadLetters.MapPost("/{queue}/retry", RetryAll);
        deadLetters.MapPost("/{queue}/{messageId}/retry", RetryOne);
        return api;
    }

    /// <summary>GET /api/dead-letters?queue=wallet_error&amp;limit=100: the messages of every error queue, or of one.</summary>
    static async Task<Results<Ok<DeadLetterListing>, ProblemHttpResult>> List(
        DeadLetterService deadLetters, string? queue, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > DeadLetterService.MaxListLimit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid limit",
                detail: $"limit must be between 1 and {DeadLetterService.MaxListLimit}.");
        }

        return Answer(await deadLetters.ListAsync(queue, limit ?? DeadLetterService.DefaultListLimit, cancellationToken), TypedResults.Ok);
    }

    /// <summary>POST /api/dead-letters/{queue}/{messageId}/retry: moves one message back to the queue it failed on.</summary>
    static async Task<Results<Ok<RetriedMessage>, ProblemHttpResult>> RetryOne(
        DeadLetterService deadLetters, string queue, string messageId, CancellationToken cancellationToken) =>
        Answer(await deadLetters.RetryAsync(queue, messageId, cancellationToken), TypedResults.Ok);

    /// <summary>POST /api/dead-letters/{queue}/retry: moves all its messages back; 202 while the move is still running.</summary>
    static async Task<Results<Ok<RetriedQueue>, Accepted<RetriedQueue>, ProblemHttpResult>> RetryAll(
        DeadLetterService deadLetters, string queue, CancellationToken cancellationToken)
    {
        var outcome = await deadLetters.RetryAllAsync(queue, cancellationToken);
        if (outcome.Problem is { } problem)
            return Problem(problem);
        return outcome.Value!.Completed ? TypedResults.Ok(outcome.Value) : TypedResults.Accepted((string?)null, outcome.Value);
    }

    static Results<TResult, ProblemHttpResult> Answer<T, TResult>(Outcome<T> outcome, Func<T, TResult> ok)
        where T : class
        where TResult : IResult
    {
        if (outcome.Problem is { } problem)
            return Problem(problem);
        return ok(outcome.Value!);
    }

    static ProblemHttpResult Problem(DeadLetterProblem problem)
    {
        var (status, title) = problem.Kind switch
        {
            DeadLetterProblemKind.NotAnErrorQueue => (StatusCodes.Status400BadRequest, "Not an error queue"),
            DeadLetterProblemKind.UnknownQueue => (StatusCodes.Status404NotFound, "Unknown queue"),
            DeadLetterProblemKind.UnknownMessage => (StatusCodes.Status404NotFound, "Unknown message"),
            DeadLetterProblemKind.BrokerRefused => (StatusCodes.Status502BadGateway, "The broker refused the move"),
            _ => (StatusCodes.Status409Conflict, "Cannot move now"),
        };
        return TypedResults.Problem(statusCode: status, title: title, detail: problem.Detail);
    }
}
