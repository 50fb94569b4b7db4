using MassTransit;
using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Api;

/// <summary>The matching engine's entry over HTTP: a trade posted here is published as <see cref="TradeExecuted"/>.</summary>
public static class TradeRoutes
{
    public static RouteGroupBuilder MapTradeRoutes(this RouteGroupBuilder api)
    {
        api.MapPost("/trades", PublishAsync);
        return api;
    }

    /// <summary>
    /// 202 once the broker has the event, with the settlement's address; settlement runs after the answer. A trade that
    /// settlement would reject (<see cref="TradeValidation"/>) is refused here with 400 and never published.
    /// </summary>
    static async Task<IResult> PublishAsync(HttpRequest request, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (!(await ApiRequest.ReadJsonAsync<TradeRequest>(request, cancellationToken)).TryGet(out var body, out var problem))
            return problem;
        if (body.Problem() is { } missing)
            return ApiProblems.BadRequest(missing);

        var trade = body.ToTrade(DateTimeOffset.UtcNow);
        if (TradeValidation.Problem(trade) is { } invalid)
            return ApiProblems.BadRequest($"The trade cannot be settled: {invalid}.");

        await publisher.Publish(trade, cancellationToken);
        return Results.Accepted(SettlementRoutes.Location(trade.TradeId), TradeView.From(trade));
    }
}
