using Npgsql;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// A transaction holding an account's row lock until disposed: the wallet's statements on that account wait, and hit the
/// wallet's lock timeout (PostgreSQL 55P03, a transient fault) while it is held.
/// </summary>
sealed class AccountLock : IAsyncDisposable
{
    readonly NpgsqlConnection _connection;
    readonly NpgsqlTransaction _transaction;

    AccountLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>Locks the account (which must exist) of <paramref name="userId"/> in <paramref name="currency"/>.</summary>
    public static async Task<AccountLock> HoldAsync(string connectionString, Guid userId, string currency)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT 1 FROM wallet.accounts WHERE user_id = $1 AND currency = $2 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = currency });
        Assert.NotNull(await command.ExecuteScalarAsync());
        return new AccountLock(connection, transaction);
    }

    /// <summary>Waits until another session is blocked on this lock.</summary>
    public async Task WaitUntilSomeoneWaitsAsync()
    {
        // From a connection of its own: inside a transaction, pg_stat_activity is a snapshot taken at its first use.
        await using var observer = new NpgsqlConnection(_connection.ConnectionString);
        await observer.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))", observer);
        command.Parameters.Add(new NpgsqlParameter { Value = _connection.ProcessID });
        await Poll.UntilAsync(async () => (long)(await command.ExecuteScalarAsync())! > 0,
            TimeSpan.FromSeconds(60), () => "The wallet never waited for the held account.", TimeSpan.FromMilliseconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
