using Npgsql;
using Settlement.Orchestration;
using Settlement.Reconciliation;

namespace Settlement.Host.Api;

/// <summary><c>GET /api/reconciliation</c>: proves the books now (the same report as the <c>reconcile</c> command).</summary>
public static class ReconciliationRoutes
{
    public const int MaxListedBreaks = 100_000;

    public static RouteGroupBuilder MapReconciliationRoutes(this RouteGroupBuilder api)
    {
        api.MapGet("/reconciliation", GetAsync);
        return api;
    }

    static async Task<IResult> GetAsync(HttpRequest request, Reconciler reconciler, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var maxBreaks = Reconciler.DefaultMaxBreaks;
        var text = request.Query["max_breaks"].ToString();
        if (text.Length > 0 && (!int.TryParse(text, out maxBreaks) || maxBreaks is < 0 or > MaxListedBreaks))
            return ApiProblems.BadRequest($"max_breaks must be a whole number from 0 to {MaxListedBreaks}, not '{EchoedText.Of(text)}'.");

        try
        {
            return Results.Ok(await reconciler.RunAsync(maxBreaks, cancellationToken));
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(ReconciliationRoutes)).LogError(exception, "Reconciliation could not read the database");
            return Results.Problem($"The database could not be read: {exception.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
