using Npgsql;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Fixture;

public sealed class PostgresFixtureTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Shared_database_answers_and_has_the_schema_migrations_table()
    {
        await using var connection = new NpgsqlConnection(fixture.Servers.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass('public.schema_migrations')::text", connection);

        Assert.Equal("schema_migrations", await command.ExecuteScalarAsync());
    }
}
