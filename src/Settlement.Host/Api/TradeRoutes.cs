using MassTransit;
using Settlement.Contracts;
using Settlement.Operations;
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
    /// settlement would reject (<see cref="TradeValidation"/>) is refused here with 400 and never published. 503 when the
    /// broker did not confirm it within <c>RabbitMq:PublishTimeout</c>: posting the trade again is safe, it settles once.
    /// </summary>
    static async Task<IResult> PublishAsync(HttpRequest request, IPublishEndpoint publisher, BrokerSendDeadline deadline,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!(await ApiRequest.ReadJsonAsync<TradeRequest>(request, cancellationToken)).TryGet(out var body, out var problem))
            return problem;
        if (body.Problem() is { } missing)
            return ApiProblems.BadRequest(missing);

        var trade = body.ToTrade(DateTimeOffset.UtcNow);
        if (TradeValidation.Problem(trade) is { } invalid)
            return ApiProblems.BadRequest($"The trade cannot be settled: {invalid}.");

        if (!await deadline.TrySendAsync(token => publisher.Publish(trade, token), cancellationToken))
        {
            loggers.CreateLogger(typeof(TradeRoutes)).LogError("Trade {TradeId} may not have been published: the broker did not confirm it within {Timeout}", trade.TradeId, deadline.Timeout);
            return ApiProblems.BrokerUnavailable(request.HttpContext.Response,
                $"{deadline.NotConfirmed($"trade {trade.TradeId}")} Post it again once the broker is back: a trade settles once however often it is posted.");
        }

        return Results.Accepted(SettlementRoutes.Location(trade.TradeId), TradeView.From(trade));
    }
}
