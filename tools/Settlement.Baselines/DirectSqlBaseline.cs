using System.Diagnostics;
using Npgsql;

namespace Settlement.Baselines;

/// <summary>
/// What PostgreSQL alone does: a trade's five balance changes (buyer −quote, buyer +base, seller −base, seller +quote,
/// fee wallet +fees) and their five ledger entries as ONE transaction, with the wallet's own table shapes and checks,
/// in a schema of its own (<c>baseline</c>), from <c>concurrency</c> connections. Trades per second.
/// </summary>
static class DirectSqlBaseline
{
    const string Schema = """
        DROP SCHEMA IF EXISTS baseline CASCADE;
        CREATE SCHEMA baseline;
        CREATE TABLE baseline.accounts (
            user_id uuid NOT NULL, currency text NOT NULL,
            available numeric(38,18) NOT NULL CHECK (available >= 0),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (user_id, currency));
        CREATE TABLE baseline.ledger_entries (
            entry_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            operation_id uuid NOT NULL UNIQUE, trade_id uuid NOT NULL, user_id uuid NOT NULL, currency text NOT NULL,
            amount numeric(38,18) NOT NULL CHECK (amount <> 0), balance_after numeric(38,18) NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            FOREIGN KEY (user_id, currency) REFERENCES baseline.accounts (user_id, currency));
        """;

    const string Post = """
        WITH changed AS (
            UPDATE baseline.accounts SET available = available + $3, updated_at = now()
            WHERE user_id = $1 AND currency = $2 RETURNING available)
        INSERT INTO baseline.ledger_entries (operation_id, trade_id, user_id, currency, amount, balance_after)
        SELECT $4, $5, $1, $2, $3, available FROM changed
        """;

    static readonly Guid FeeWallet = new("00000000-0000-0000-0000-0000000000fe");

    public static async Task<object> RunAsync(string connectionString, int trades, int users, int concurrency)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var accounts = Enumerable.Range(0, users).Select(_ => Guid.NewGuid()).ToArray();
        await PrepareAsync(source, accounts);

        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            await using var connection = await source.OpenConnectionAsync();
            while (Interlocked.Increment(ref next) is var index && index < trades)
                await SettleAsync(connection, accounts[index % users], accounts[(index * 7 + 1) % users]);
        }));
        var elapsed = clock.Elapsed;
        Console.Error.WriteLine($"direct SQL baseline: {trades} trades in {elapsed.TotalSeconds:F1} s");
        return new
        {
            Trades = trades,
            Connections = concurrency,
            DirectSqlTradesPerSec = Math.Round(trades / elapsed.TotalSeconds),
        };
    }

    static async Task PrepareAsync(NpgsqlDataSource source, Guid[] accounts)
    {
        await using (var schema = source.CreateCommand(Schema))
            await schema.ExecuteNonQueryAsync();
        await using var fund = source.CreateCommand("""
            INSERT INTO baseline.accounts (user_id, currency, available)
            SELECT u, c, 1000000000 FROM unnest($1::uuid[]) u CROSS JOIN unnest(ARRAY['BTC', 'USDT']) c
            UNION ALL SELECT $2, 'USDT', 0
            """);
        fund.Parameters.Add(new NpgsqlParameter { Value = accounts });
        fund.Parameters.Add(new NpgsqlParameter { Value = FeeWallet });
        await fund.ExecuteNonQueryAsync();
    }

    /// <summary>A BTC/USDT trade of 0.01 at 60,000 with a 0.05% taker and 0.02% maker fee, in one transaction.</summary>
    static async Task SettleAsync(NpgsqlConnection connection, Guid buyer, Guid seller)
    {
        const decimal notional = 600m, quantity = 0.01m, buyerFee = 0.3m, sellerFee = 0.12m;
        var trade = Guid.NewGuid();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        (Guid User, string Currency, decimal Amount)[] legs =
        [
            (buyer, "USDT", -(notional + buyerFee)), (buyer, "BTC", quantity),
            (seller, "BTC", -quantity), (seller, "USDT", notional - sellerFee), (FeeWallet, "USDT", buyerFee + sellerFee),
        ];
        // In one order for every trade (by account), as two trades touching the same accounts would otherwise deadlock.
        foreach (var (user, currency, amount) in legs.OrderBy(leg => leg.User).ThenBy(leg => leg.Currency, StringComparer.Ordinal))
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Post)
            {
                Parameters = { new() { Value = user }, new() { Value = currency }, new() { Value = amount }, new() { Value = Guid.NewGuid() }, new() { Value = trade } },
            });
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
