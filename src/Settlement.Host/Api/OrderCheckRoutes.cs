using MassTransit;
using Settlement.Contracts;
using Settlement.Orchestration.Saga;
using Settlement.Wallet;

namespace Settlement.Host.Api;

/// <summary>
/// The pre-trade funds check: "reject before matching". Asks the wallet (over RabbitMQ, <see cref="GetBalance"/>) whether
/// the user's account covers what settlement would debit for the order. It reserves nothing: the answer can be stale by the
/// time the trade settles, and settlement's own debit stays the authority.
/// </summary>
public static class OrderCheckRoutes
{
    /// <summary>How long the check waits for the wallet before answering 503.</summary>
    public static readonly RequestTimeout WalletTimeout = RequestTimeout.After(s: 10);

    public static RouteGroupBuilder MapOrderCheckRoutes(this RouteGroupBuilder api)
    {
        api.MapPost("/orders/check", CheckAsync);
        return api;
    }

    /// <summary>The request client of the check: <see cref="GetBalance"/> sent to the wallet's queue.</summary>
    public static IServiceCollection AddOrderCheckClient(this IServiceCollection services) =>
        services.AddScoped(provider =>
            provider.GetRequiredService<IScopedClientFactory>().CreateRequestClient<GetBalance>(WalletEndpoint.Address, WalletTimeout));

    static async Task<IResult> CheckAsync(
        HttpRequest request, IRequestClient<GetBalance> wallet, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!(await ApiRequest.ReadJsonAsync<OrderCheckRequest>(request, cancellationToken)).TryGet(out var order, out var problem))
            return problem;
        if (order.Problem() is { } invalid)
            return ApiProblems.BadRequest(invalid);

        var (currency, required) = order.Requirement();
        var userId = order.UserId!.Value;
        BalanceReported balance;
        try
        {
            balance = (await wallet.GetResponse<BalanceReported>(new GetBalance { UserId = userId, Currency = currency }, cancellationToken)).Message;
        }
        catch (RequestTimeoutException)
        {
            return Results.Problem($"The wallet did not answer within {WalletTimeout.Value.TotalSeconds:0} s; try again.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var available = TradeValidation.Normalize(balance.Available);
        if (available >= required)
            return Results.Ok(new OrderCheckResult(true, required, available, currency, $"{available} {currency} available covers {required} {currency}."));

        var side = order.IsBuy ? "buy" : "sell";
        ApiMetrics.PretradeRefusals.Add(1, new KeyValuePair<string, object?>("side", side));
        loggers.CreateLogger(typeof(OrderCheckRoutes)).LogInformation(
            "Pre-trade check refused a {Side} order of {UserId} on {Symbol}: needs {Required} {Currency}, has {Available}",
            side, userId, order.Symbol, required, currency, available);
        return Results.Ok(new OrderCheckResult(false, required, available, currency,
            $"Insufficient funds: the {side} order needs {required} {currency} " +
            $"({(order.IsBuy ? "price × quantity + fee" : "the quantity")}) but user {userId} has {available} {currency} available."));
    }
}
