using Settlement.Operations.Trades;
using Settlement.Orchestration.Persistence;

namespace Settlement.Host.Api;

/// <summary>Settlement records: one trade's, a filtered page of them, and the operator's abort of a suspended trade.</summary>
public static class SettlementRoutes
{
    public static RouteGroupBuilder MapSettlementRoutes(this RouteGroupBuilder api)
    {
        var settlements = api.MapGroup("/settlements");
        settlements.MapGet("/{tradeId}", GetAsync);
        settlements.MapGet("/", ListAsync);
        settlements.MapPost("/{tradeId}/abort", AbortAsync);
        return api;
    }

    public static string Location(Guid tradeId) => $"/api/settlements/{tradeId}";

    static async Task<IResult> GetAsync(string tradeId, SettlementRecords records, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryParseGuid(tradeId, nameof(tradeId), out var id, out var problem))
            return problem;
        return await records.FindAsync(id, cancellationToken) is { } record
            ? Results.Ok(SettlementView.From(record))
            : UnknownTrade(id);
    }

    static async Task<IResult> ListAsync(
        [AsParameters] SettlementListParameters parameters, SettlementRecords records, CancellationToken cancellationToken)
    {
        if (!parameters.TryGetQuery(DateTimeOffset.UtcNow, out var query, out var problem))
            return ApiProblems.BadRequest(problem!);

        var page = await records.ListAsync(query, cancellationToken);
        return Results.Ok(new SettlementListView(
            [.. page.Items.Select(SettlementView.From)],
            page.Next is { } next ? SettlementListParameters.EncodeCursor(next) : null));
    }

    /// <summary>
    /// 202 once <see cref="TradeAborts"/> has sent the abort to the saga; 409 when the trade is not Suspended outside
    /// compensation; 503 when the broker did not confirm the abort within <c>RabbitMq:PublishTimeout</c>.
    /// </summary>
    static async Task<IResult> AbortAsync(string tradeId, HttpRequest request, TradeAborts aborts, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryParseGuid(tradeId, nameof(tradeId), out var id, out var problem))
            return problem;
        if (!(await ApiRequest.ReadJsonAsync<AbortRequest>(request, cancellationToken)).TryGet(out var body, out problem))
            return problem;
        if (ApiProblems.MissingFields(("reason", body.Reason)) is { } missing)
            return ApiProblems.BadRequest(missing);

        var reason = body.Reason!.Trim();
        var outcome = await aborts.AbortAsync(id, reason, "the API", cancellationToken);
        return outcome switch
        {
            { Result: AbortResult.UnknownTrade } => UnknownTrade(id),
            { Result: AbortResult.NotAbortable, Record: { } record } => ApiProblems.Conflict(TradeAborts.WhyNot(record),
                new Dictionary<string, object?> { ["state"] = record.CurrentState, ["suspendedFrom"] = record.SuspendedFrom }),
            { Result: AbortResult.BrokerTimedOut } => ApiProblems.BrokerUnavailable(request.HttpContext.Response, aborts.NotSent(id)),
            _ => Results.Accepted(Location(id), new AbortAccepted(id, reason)),
        };
    }

    static IResult UnknownTrade(Guid tradeId) => ApiProblems.NotFound($"There is no settlement record of trade {tradeId}.");
}
