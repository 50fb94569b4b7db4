using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Fixture;

/// <summary>Stops and starts servers of its own: the shared ones serve the tests running in parallel.</summary>
public sealed class ServerRestartTests(PrivateServersFixture fixture) : IClassFixture<PrivateServersFixture>
{
    TestServers Servers => fixture.Servers;

    [Fact]
    public async Task Stopped_postgres_refuses_connections_and_after_a_start_still_has_its_rows()
    {
        // No pooling: a pooled connection would still point at the server process that was stopped.
        var connectionString = new NpgsqlConnectionStringBuilder(Servers.PostgresConnectionString) { Pooling = false }.ConnectionString;
        var table = $"restart_probe_{Guid.NewGuid():N}";
        await ExecuteAsync(connectionString, $"CREATE TABLE {table} (value text); INSERT INTO {table} VALUES ('kept')");

        await Servers.StopPostgresAsync();
        var whileStopped = await Record.ExceptionAsync(() => ExecuteAsync(connectionString, "SELECT 1"));
        await Servers.StartPostgresAsync();

        Assert.IsAssignableFrom<NpgsqlException>(whileStopped);
        Assert.Equal("kept", await ExecuteAsync(connectionString, $"SELECT value FROM {table}"));
    }

    [Fact]
    public async Task Stopped_rabbitmq_refuses_connections_and_after_a_start_still_has_its_durable_messages()
    {
        using var api = Servers.CreateManagementClient();
        var queue = $"restart-probe-{Guid.NewGuid():N}";
        (await api.PutAsJsonAsync($"api/queues/%2F/{queue}", new { durable = true })).EnsureSuccessStatusCode();
        var published = await api.PostAsJsonAsync("api/exchanges/%2F/amq.default/publish", new
        {
            properties = new { delivery_mode = 2 },
            routing_key = queue,
            payload = "kept",
            payload_encoding = "string",
        });
        Assert.True((await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("routed").GetBoolean());

        await Servers.StopRabbitMqAsync();
        using var client = new TcpClient();
        var whileStopped = await Record.ExceptionAsync(() => client.ConnectAsync(Servers.RabbitMqHost, Servers.RabbitMqPort));
        await Servers.StartRabbitMqAsync();

        Assert.IsType<SocketException>(whileStopped);
        var got = await api.PostAsJsonAsync($"api/queues/%2F/{queue}/get", new { count = 1, ackmode = "ack_requeue_false", encoding = "auto" });
        var messages = await got.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("kept", Assert.Single(messages.EnumerateArray()).GetProperty("payload").GetString());
    }

    static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
