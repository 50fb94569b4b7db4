using Settlement.Contracts;
using Settlement.Wallet.Ledger;

namespace Settlement.Host.Api;

/// <summary>A user's balances, and deposits into the wallet ledger (<see cref="WalletLedger"/>, which decides what is valid).</summary>
public static class WalletRoutes
{
    public static RouteGroupBuilder MapWalletRoutes(this RouteGroupBuilder api)
    {
        var wallets = api.MapGroup("/wallets/{userId}");
        wallets.MapGet("/balances", GetBalancesAsync);
        wallets.MapPost("/deposits", DepositAsync);
        return api;
    }

    static async Task<IResult> GetBalancesAsync(string userId, WalletLedger ledger, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryParseGuid(userId, nameof(userId), out var id, out var problem))
            return problem;
        var accounts = await ledger.GetBalancesAsync(id, cancellationToken);
        return Results.Ok(new BalancesView(id, [.. accounts.Select(a => new BalanceView(a.Currency, a.Available, a.UpdatedAt))]));
    }

    /// <summary>201 with the balance after the deposit; a refusal is 400 (409 for a reused operation id) with the wallet's code.</summary>
    static async Task<IResult> DepositAsync(string userId, HttpRequest request, WalletLedger ledger, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryParseGuid(userId, nameof(userId), out var id, out var problem))
            return problem;
        if (!(await ApiRequest.ReadJsonAsync<DepositRequest>(request, cancellationToken)).TryGet(out var body, out problem))
            return problem;
        if (ApiProblems.MissingFields(("currency", body.Currency), ("amount", body.Amount)) is { } missing)
            return ApiProblems.BadRequest(missing);
        if (body.OperationId == Guid.Empty)
            return ApiProblems.BadRequest("operationId is the empty GUID: send a new GUID per deposit, or none.");

        var outcome = await ledger.DepositAsync(new DepositFunds
        {
            OperationId = body.OperationId ?? Guid.NewGuid(),
            UserId = id,
            Currency = body.Currency!,
            Amount = body.Amount!.Value,
        }, cancellationToken);

        if (outcome.Error is { } error)
        {
            var code = new Dictionary<string, object?> { ["code"] = error.ToString() };
            return error is WalletErrorCode.OperationIdConflict
                ? ApiProblems.Conflict(outcome.Message, code)
                : ApiProblems.BadRequest(outcome.Message, code);
        }

        return Results.Created($"/api/wallets/{id}/balances",
            new DepositView(outcome.OperationId, outcome.UserId, outcome.Currency, outcome.Change, outcome.BalanceAfter));
    }
}
