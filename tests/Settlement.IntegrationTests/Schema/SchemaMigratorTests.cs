using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Settlement.Host.Database;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Schema;

public class SchemaMigratorTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Applying_the_schema_from_eight_processes_at_once_and_again_records_each_script_once()
    {
        // A database with nothing in it: CreateDatabaseAsync would apply the schema itself.
        var database = await EmptyDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SchemaMigrator.ApplyAsync(database, NullLogger.Instance)));
        await SchemaMigrator.ApplyAsync(database, NullLogger.Instance);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var applied = new List<(string Module, int Version)>();
        await using (var command = new NpgsqlCommand("SELECT module, version FROM public.schema_migrations ORDER BY module, version", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                applied.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        Assert.Equal(
            [("Settlement.Orchestration", 1), ("Settlement.Orchestration", 2), ("Settlement.Wallet", 1)],
            applied);
        await using var tables = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('wallet', 'settlement')", connection);
        Assert.Equal(4L, await tables.ExecuteScalarAsync());
    }

    async Task<string> EmptyDatabaseAsync()
    {
        var name = $"schema_{Guid.NewGuid():N}";
        var maintenance = new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresConnectionString) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(maintenance.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(fixture.Servers.PostgresConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }
}
