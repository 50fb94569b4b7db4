using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Fixture;

public sealed class RabbitMqManagementTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Management_api_answers_with_the_broker_version()
    {
        using var api = fixture.Servers.CreateManagementClient();

        var overview = await api.GetFromJsonAsync<JsonElement>("api/overview");

        Assert.False(string.IsNullOrEmpty(overview.GetProperty("rabbitmq_version").GetString()));
    }

    [Fact]
    public async Task Management_api_has_the_shovel_plugins_enabled_for_moving_messages()
    {
        using var api = fixture.Servers.CreateManagementClient();

        // The UI's "Move messages" needs rabbitmq_shovel_management (shovel.js, /api/shovels), which needs rabbitmq_shovel.
        var extensions = await api.GetFromJsonAsync<JsonElement>("api/extensions");
        using var shovels = await api.GetAsync(new Uri("api/shovels", UriKind.Relative));

        Assert.Contains("shovel.js", extensions.EnumerateArray().Select(extension => extension.GetProperty("javascript").GetString()));
        Assert.Equal(HttpStatusCode.OK, shovels.StatusCode);
    }
}
