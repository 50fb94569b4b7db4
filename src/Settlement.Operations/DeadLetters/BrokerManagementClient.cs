using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Settlement.Operations.DeadLetters;

/// <summary>
/// The calls of RabbitMQ's management HTTP API the service makes, at <c>RabbitMq:ManagementUri</c> and in the service's
/// virtual host: which queues exist and how deep they are (dead-letter routes, queue gauges), and dynamic shovels (what
/// the management UI's "Move messages" creates). On a cluster it asks the nodes of <c>RabbitMq:ManagementNodes</c> in
/// turn, starting with the last one that answered: any node answers for the whole cluster.
/// </summary>
public sealed class BrokerManagementClient(
    IHttpClientFactory httpClients, IOptions<BrokerManagementOptions> options, ILogger<BrokerManagementClient> logger)
{
    public const string HttpClientName = "rabbitmq-management";

    readonly Uri[] _roots = [.. options.Value.ManagementUris().Select(Root)];
    int _answering;
    readonly string _virtualHost = Uri.EscapeDataString(options.Value.VirtualHost);
    readonly AuthenticationHeaderValue _authorization = new("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(options.Value.ManagementUri!.UserInfo))));

    /// <summary>The names of all queues of the virtual host.</summary>
    public async Task<IReadOnlySet<string>> QueueNamesAsync(CancellationToken cancellationToken)
    {
        var queues = await GetAsync<QueueRow[]>($"api/queues/{_virtualHost}?columns=name", cancellationToken);
        return (queues ?? []).Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The number of ready and unacknowledged messages of each queue of the virtual host whose count is known yet.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync(CancellationToken cancellationToken)
    {
        var queues = await GetAsync<QueueRow[]>($"api/queues/{_virtualHost}?columns=name,messages", cancellationToken);
        // A queue's message count appears with the broker's first statistics about it, a few seconds after it is declared.
        return (queues ?? []).Where(q => q.Messages is not null).ToDictionary(q => q.Name, q => q.Messages!.Value, StringComparer.Ordinal);
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
        using var response = await SendAsync(HttpMethod.Put, ShovelPath(name), () => JsonContent.Create(new { value = shovel }), cancellationToken);
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
        using var response = await SendAsync(HttpMethod.Get, ShovelPath(name), null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }

    /// <summary>
    /// Sends to the node that answered last; when it cannot be reached, does not answer in time or answers 502-504, to the
    /// next one, until each was asked once. What the last one said (or threw) is the answer.
    /// </summary>
    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var first = Volatile.Read(ref _answering);
        for (var attempt = 1; ; attempt++)
        {
            var node = (first + attempt - 1) % _roots.Length;
            var last = attempt == _roots.Length;
            using var request = new HttpRequestMessage(method, new Uri(_roots[node], path)) { Content = content?.Invoke() };
            request.Headers.Authorization = _authorization;
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception exception) when (!last && !cancellationToken.IsCancellationRequested
                && exception is HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning("The broker's management API at {ManagementNode} did not answer ({Reason}); asking the next node",
                    _roots[node].Authority, exception.Message);
                continue;
            }

            if (!last && (int)response.StatusCode is >= 502 and <= 504)
            {
                logger.LogWarning("The broker's management API at {ManagementNode} answered {Status}; asking the next node",
                    _roots[node].Authority, (int)response.StatusCode);
                response.Dispose();
                continue;
            }

            Volatile.Write(ref _answering, node);
            return response;
        }
    }

    string ShovelPath(string name) => $"api/parameters/shovel/{_virtualHost}/{Uri.EscapeDataString(name)}";

    /// <summary>The management API's root without credentials, query or fragment; a path prefix (a proxied UI) is kept.</summary>
    static Uri Root(Uri managementUri)
    {
        var root = new UriBuilder(managementUri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        if (!root.Path.EndsWith('/'))
            root.Path += "/";
        return root.Uri;
    }

    sealed record QueueRow([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("messages")] long? Messages);
}
