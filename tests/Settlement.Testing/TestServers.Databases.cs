using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Settlement.Host.Database;

namespace Settlement.Testing;

public sealed partial class TestServers
{
    /// <summary>
    /// A new, empty database on the same PostgreSQL server with the service's schema, for a test that runs a whole service:
    /// its stuck-saga sweeper scans every settlement record it can see, so services of parallel tests must not share one.
    /// Returns its connection string. (With servers from SETTLEMENT_TEST_POSTGRES the user needs CREATEDB.)
    /// </summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
        var database = $"test_{Guid.NewGuid():N}";
        var maintenance = new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = "postgres", Pooling = false };

        await using (var connection = new NpgsqlConnection(maintenance.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Small pools that let go of idle connections soon: every database has pools of its own in every process.
        builder.Database = database;
        builder.MaxPoolSize = 40;
        builder.ConnectionIdleLifetime = 10;
        builder.ConnectionPruningInterval = 5;
        await SchemaMigrator.ApplyAsync(builder.ConnectionString, NullLogger.Instance, cancellationToken);
        return builder.ConnectionString;
    }
}
