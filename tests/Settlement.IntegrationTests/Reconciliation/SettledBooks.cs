using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Settlement.Contracts;
using Settlement.IntegrationTests.Settlement;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Saga;
using Settlement.Reconciliation;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Reconciliation;

/// <summary>
/// Books made by the real service in a database of their own: a buyer and a seller on a market of their own, two trades
/// settled and a third rolled back (the seller lacks the base currency, so the buyer's two legs are reversed). The
/// service is stopped before the test tampers with the tables, so nothing moves under the reconciliation but the test.
/// Buyer deposits 80,000 quote, seller 1.2 base; each trade is 0.5 base for 25,012.5 quote (seller gets 24,975, fees 37.5).
/// </summary>
sealed record SettledBooks(string ConnectionString, Market Market, Guid Buyer, Guid Seller, Guid FeeWallet,
    Guid FirstSettled, Guid SecondSettled, Guid RolledBack)
{
    public static async Task<SettledBooks> CreateAsync(TestServers servers)
    {
        await using var service = await SettlementService.StartAsync(servers);
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await service.DepositAsync(buyer, market.Quote, 80_000m);
        await service.DepositAsync(seller, market.Base, 1.2m);

        var outcomes = new List<Guid>();
        foreach (var expected in new[] { "Settled", "Settled", "RolledBack" })
        {
            var trade = market.Trade(buyer, seller);
            await service.PublishAsync(trade);
            Assert.Equal(expected, (await service.WaitForOutcomeAsync(trade.TradeId)).CurrentState);
            outcomes.Add(trade.TradeId);
        }

        return new SettledBooks(service.ConnectionString, market, buyer, seller, service.FeeWallet, outcomes[0], outcomes[1], outcomes[2]);
    }

    public Task<ReconciliationReport> ReconcileAsync(int maxBreaks = Reconciler.DefaultMaxBreaks) =>
        new Reconciler(ConnectionString, Options.Create(new SettlementOptions()), NullLogger<Reconciler>.Instance).RunAsync(maxBreaks);

    /// <summary>Runs SQL as an intruder or a bug would; <paramref name="withoutTriggers"/> lets it delete from the append-only ledger.</summary>
    public async Task TamperAsync(string sql, bool withoutTriggers = false, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        if (withoutTriggers)
        {
            await using var replica = new NpgsqlCommand("SET session_replication_role = replica", connection);
            await replica.ExecuteNonQueryAsync();
        }

        // Named parameters: Npgsql takes several statements in one command only with those ($1 becomes @p1).
        await using var command = new NpgsqlCommand(Regex.Replace(sql, @"\$(\d+)", "@p$1"), connection);
        for (var i = 0; i < parameters.Length; i++)
            command.Parameters.Add(new NpgsqlParameter($"p{i + 1}", parameters[i]));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes a ledger entry and takes its amount back out of the balance, so the account itself still replays.</summary>
    public Task RemoveEntryAsync(Guid operationId) => TamperAsync("""
        UPDATE wallet.accounts a SET available = a.available - e.amount
        FROM wallet.ledger_entries e WHERE e.operation_id = $1 AND a.user_id = e.user_id AND a.currency = e.currency;
        DELETE FROM wallet.ledger_entries WHERE operation_id = $1;
        """, withoutTriggers: true, operationId);

    /// <summary>Posts an applied operation and its entry as the wallet would (balance_after, balance), without a saga asking.</summary>
    public Task PostAsync(Guid operationId, Guid? tradeId, Guid userId, string currency, decimal amount, LedgerReason reason) => TamperAsync("""
        INSERT INTO wallet.accounts (user_id, currency, available) VALUES ($3, $4, 0) ON CONFLICT DO NOTHING;
        INSERT INTO wallet.operations (operation_id, kind, trade_id, user_id, currency, amount, reason, status, change)
            VALUES ($1, 'Credit', $2, $3, $4, $5, $6, 'Applied', $5);
        UPDATE wallet.accounts SET available = available + $5 WHERE user_id = $3 AND currency = $4;
        INSERT INTO wallet.ledger_entries (operation_id, trade_id, user_id, currency, amount, reason, balance_after)
            SELECT $1, $2, $3, $4, $5, $6, available FROM wallet.accounts WHERE user_id = $3 AND currency = $4;
        """, false, operationId, tradeId is { } id ? id : DBNull.Value, userId, currency, amount, reason.ToString());

    public static Guid Leg(Guid tradeId, SettlementLeg leg) => OperationIds.For(tradeId, leg);
}
