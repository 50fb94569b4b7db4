using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Settlement.Host.DeadLetters;

namespace Settlement.Host.Observability;

/// <summary>
/// The one call of RabbitMQ's management HTTP API that the queue gauges need, at <c>RabbitMq:ManagementUri</c> and in the
/// service's virtual host, as <see cref="BrokerManagementOptions"/> (registered with the dead-letter routes) resolve them.
/// </summary>
public sealed class RabbitMqManagementClient(IHttpClientFactory httpClients, IOptions<BrokerManagementOptions> options)
{
    public const string HttpClientName = "rabbitmq-management-metrics";

    readonly Uri _queues = QueuesAddress(options.Value);
    readonly AuthenticationHeaderValue _authorization = new("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(options.Value.ManagementUri!.UserInfo))));

    /// <summary>The number of ready and unacknowledged messages of each queue of the virtual host whose count is known yet.</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync(CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, _queues);
        request.Headers.Authorization = _authorization;
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();

        var queues = await response.Content.ReadFromJsonAsync<QueueRow[]>(cancellationToken) ?? [];
        // A queue's message count appears with the broker's first statistics about it, a few seconds after it is declared.
        return queues.Where(q => q.Messages is not null).ToDictionary(q => q.Name, q => q.Messages!.Value, StringComparer.Ordinal);
    }

    static Uri QueuesAddress(BrokerManagementOptions options)
    {
        var root = new UriBuilder(options.ManagementUri!) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        if (!root.Path.EndsWith('/'))
            root.Path += "/";
        return new Uri(root.Uri, $"api/queues/{Uri.EscapeDataString(options.VirtualHost)}?columns=name,messages");
    }

    sealed record QueueRow([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("messages")] long? Messages);
}
