using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Settlement.Testing;

/// <summary>The few calls of RabbitMQ's management HTTP API these tests need, with the credentials of its URI.</summary>
public sealed class RabbitMqManagement : IDisposable
{
    readonly HttpClient _http;

    public RabbitMqManagement(Uri managementUri)
    {
        _http = new HttpClient { BaseAddress = new Uri(managementUri.GetLeftPart(UriPartial.Authority)) };
        var credentials = Uri.UnescapeDataString(managementUri.UserInfo);
        _http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        User = credentials.Split(':')[0];
    }

    public string User { get; }

    /// <summary>Creates a virtual host and gives <see cref="User"/> every permission on it.</summary>
    public async Task CreateVirtualHostAsync(string name)
    {
        (await _http.PutAsJsonAsync($"api/vhosts/{Escape(name)}", new { })).EnsureSuccessStatusCode();
        (await _http.PutAsJsonAsync($"api/permissions/{Escape(name)}/{Escape(User)}", new { configure = ".*", write = ".*", read = ".*" }))
            .EnsureSuccessStatusCode();
    }

    public async Task DeleteVirtualHostAsync(string name) => await _http.DeleteAsync($"api/vhosts/{Escape(name)}");

    /// <summary>Peeks at up to <paramref name="count"/> messages of the queue, leaving them in it.</summary>
    public async Task<IReadOnlyList<QueuedMessage>> PeekAsync(string virtualHost, string queue, int count = 100)
    {
        var response = await _http.PostAsJsonAsync($"api/queues/{Escape(virtualHost)}/{Escape(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.EnumerateArray().Select(m => new QueuedMessage(
            m.GetProperty("payload").GetString() ?? string.Empty,
            m.GetProperty("properties").TryGetProperty("headers", out var headers) ? headers.Clone() : default))];
    }

    /// <summary>
    /// What an operator's "Move messages" on a queue's page of the management UI does: a dynamic shovel named
    /// <c>Move from {queue}</c> that moves the queue's current length to <paramref name="destination"/> and deletes itself.
    /// Returns when it has.
    /// </summary>
    public async Task MoveMessagesAsync(string virtualHost, string queue, string destination)
    {
        var name = $"Move from {queue}";
        var localUri = $"amqp:///{Escape(virtualHost)}";
        var shovel = new Dictionary<string, object>
        {
            ["src-uri"] = localUri,
            ["src-queue"] = queue,
            ["src-protocol"] = "amqp091",
            ["src-prefetch-count"] = 1000,
            ["src-delete-after"] = "queue-length",
            ["dest-protocol"] = "amqp091",
            ["dest-uri"] = localUri,
            ["dest-add-forward-headers"] = false,
            ["ack-mode"] = "on-confirm",
            ["dest-queue"] = destination,
        };
        var path = $"api/parameters/shovel/{Escape(virtualHost)}/{Escape(name)}";
        (await _http.PutAsJsonAsync(path, new { component = "shovel", vhost = virtualHost, name, value = shovel })).EnsureSuccessStatusCode();

        await Poll.UntilAsync(async () => (await _http.GetAsync(path)).StatusCode == System.Net.HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(60), () => $"The shovel {name} did not finish.");
    }

    /// <summary>The type of the queue (<c>classic</c>, <c>quorum</c>), or null when it does not exist.</summary>
    public async Task<string?> QueueTypeAsync(string virtualHost, string queue)
    {
        using var response = await _http.GetAsync($"api/queues/{Escape(virtualHost)}/{Escape(queue)}?columns=type");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("type").GetString();
    }

    /// <summary>Declares a durable queue of the type <paramref name="type"/>, as an operator or an older release would have.</summary>
    public async Task DeclareQueueAsync(string virtualHost, string queue, string type) =>
        (await _http.PutAsJsonAsync($"api/queues/{Escape(virtualHost)}/{Escape(queue)}",
            new { durable = true, arguments = new Dictionary<string, string> { ["x-queue-type"] = type } })).EnsureSuccessStatusCode();

    static string Escape(string segment) => Uri.EscapeDataString(segment);

    public void Dispose() => _http.Dispose();
}

/// <summary>A message's body and AMQP headers, as the management API shows them.</summary>
public sealed record QueuedMessage(string Payload, JsonElement Headers)
{
    public int? IntHeader(string name) =>
        Headers.ValueKind == JsonValueKind.Object && Headers.TryGetProperty(name, out var value) ? value.GetInt32() : null;
}
