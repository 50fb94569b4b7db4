using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Settlement.Host.DeadLetters;

/// <summary>
/// The calls of RabbitMQ's management HTTP API the dead-letter routes need, in the service's virtual host: which queues
/// exist, and dynamic shovels (what the management UI's "Move messages" creates). A typed client of IHttpClientFactory.
/// </summary>
public sealed class BrokerManagementClient
{
    readonly HttpClient _http;
    readonly string _virtualHost;

    public BrokerManagementClient(HttpClient http, IOptions<BrokerManagementOptions> options)
    {
        var managementUri = options.Value.ManagementUri!;
        _http = http;
        _http.BaseAddress = new UriBuilder(managementUri) { UserName = string.Empty, Password = string.Empty, Path = WithTrailingSlash(managementUri.AbsolutePath) }.Uri;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(managementUri.UserInfo))));
        _virtualHost = Uri.EscapeDataString(options.Value.VirtualHost);
    }

    /// <summary>The names of all queues of the virtual host.</summary>
    public async Task<IReadOnlySet<string>> QueueNamesAsync(CancellationToken cancellationToken)
    {
        var queues = await _http.GetFromJsonAsync<QueueName[]>($"api/queues/{_virtualHost}?columns=name", cancellationToken);
        return (queues ?? []).Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Starts a dynamic shovel that moves the first <paramref name="count"/> messages of <paramref name="source"/> to the
    /// queue <paramref name="destination"/> in the same virtual host and then deletes itself. Messages are acknowledged at
    /// the source only after the destination confirmed them (ack-mode on-confirm), and their headers are left as they are.
    /// </summary>
    public async Task StartMoveAsync(string name, string source, string destination, uint count, CancellationToken cancellationToken)
    {
        var localUri = $"amqp:///{_virtualHost}";
        var shovel = new Dictionary<string, object>
        {
            ["src-protocol"] = "amqp091",
            ["src-uri"] = localUri,
            ["src-queue"] = source,
            ["src-prefetch-count"] = 1000,
            ["src-delete-after"] = count,
            ["dest-protocol"] = "amqp091",
            ["dest-uri"] = localUri,
            ["dest-queue"] = destination,
            ["dest-add-forward-headers"] = false,
            ["ack-mode"] = "on-confirm",
        };
        using var response = await _http.PutAsJsonAsync(ShovelPath(name), new { value = shovel }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"The broker refused the shovel {name} ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}. " +
                "Moving messages needs the rabbitmq_shovel and rabbitmq_shovel_management plugins.", null, response.StatusCode);
        }
    }

    /// <summary>Whether the dynamic shovel is still defined: one started with a message count deletes itself when done.</summary>
    public async Task<bool> ShovelExistsAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(ShovelPath(name), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    string ShovelPath(string name) => $"api/parameters/shovel/{_virtualHost}/{Uri.EscapeDataString(name)}";

    static string WithTrailingSlash(string path) => path.EndsWith('/') ? path : path + "/";

    sealed record QueueName([property: JsonPropertyName("name")] string Name);
}
